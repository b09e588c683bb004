import type { KoaContextWithOIDC } from 'oidc-provider';
import { PENDING_APPROVAL } from '../oauth/cimd/policy';
import { html, layout, setPageHeaders, type Raw } from './html';

const SCOPE_DESCRIPTIONS: Record<string, string> = {
  'mcp:whoami': 'See who you are (the whoami tool)',
  'mcp:echo': 'Use the echo tool',
};

export interface SignInView {
  uid: string;
  csrf: string;
  clientName: string;
  resource: string;
  username?: string;
  error?: string;
  /** Shown on a new installation: the account that exists and has no password. */
  firstRunUsername?: string;
}

export function signInPage(view: SignInView): Raw {
  return html`
<h1>Sign in</h1>
<p><strong>${view.clientName}</strong> wants to use the MCP server at <code>${view.resource}</code>.</p>
${view.error ? html`<div class="alert" role="alert">${view.error}</div>` : ''}
<form method="post" action="/interaction/${view.uid}/login" autocomplete="on">
<input type="hidden" name="csrf" value="${view.csrf}">
<label for="username">Username</label>
<input id="username" name="username" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required autofocus value="${view.username ?? ''}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password">
<p class="muted">Leave the password empty for an account that has none.</p>
${
  view.firstRunUsername
    ? html`<p class="notice">New installation: your account is <strong>${view.firstRunUsername}</strong>, with no password. Add a password or more users in the MCP Auth Desk app.</p>`
    : ''
}
<div class="actions">
<button type="submit" name="action" value="cancel">Cancel</button>
<button type="submit" name="action" value="sign-in" class="primary">Sign in</button>
</div>
</form>`;
}

export interface ConsentView {
  uid: string;
  csrf: string;
  clientName: string;
  clientId: string;
  selfRegistered: boolean;
  redirectHost: string;
  loopbackRedirect: boolean;
  scopes: string[];
  resource: string;
  username: string;
  /** For a client identified by a metadata document: the host that serves it. */
  documentHost?: string;
  /** Every redirect URI the client registered is a loopback one. */
  allRedirectsLoopback?: boolean;
}

export function consentPage(view: ConsentView): Raw {
  return html`
<h1>Allow access?</h1>
<p><strong>${view.clientName}</strong>${
    view.selfRegistered ? html`<span class="badge" title="The client chose this name itself when it registered; it is not verified">unverified name</span>` : ''
  } wants to act for you on this MCP server.</p>
${
    view.documentHost
      ? html`<p class="notice">Identified by its metadata document at <strong>${view.documentHost}</strong>: that site vouches for this client's name and redirect addresses.${
          view.allRedirectsLoopback
            ? html` All of them are on this computer (localhost), so any program running here could receive the access you grant.`
            : ''
        }</p>`
      : ''
  }
<dl>
<dt>Client ID</dt><dd><code>${view.clientId}</code></dd>
<dt>Returns to</dt><dd><code>${view.redirectHost}</code>${
    view.loopbackRedirect ? html` <span class="muted">(an app on this computer)</span>` : ''
  }</dd>
<dt>Resource</dt><dd><code>${view.resource}</code></dd>
<dt>Signed in as</dt><dd>${view.username}</dd>
</dl>
<p>It asks for:</p>
<ul class="scopes">${view.scopes.map((scope) => html`<li><code>${scope}</code> — ${SCOPE_DESCRIPTIONS[scope] ?? scope}</li>`)}</ul>
<form method="post" action="/interaction/${view.uid}/consent">
<input type="hidden" name="csrf" value="${view.csrf}">
<div class="actions">
<button type="submit" name="decision" value="deny">Deny</button>
<button type="submit" name="decision" value="allow" class="primary">Allow</button>
</div>
</form>
<p class="muted">You can withdraw this access at any time in MCP Auth Desk.</p>`;
}

export function errorPage(title: string, message: string, detail?: string): Raw {
  return html`
<h1>${title}</h1>
<div class="alert" role="alert">${message}</div>
${detail ? html`<p class="muted">${detail}</p>` : ''}
<p class="muted">You can close this page and start again from your MCP client.</p>`;
}

const ERROR_TITLES: Record<string, string> = {
  invalid_redirect_uri: 'Unknown redirect address',
  invalid_client: 'Unknown client',
  invalid_request: 'Invalid request',
  invalid_target: 'Unknown resource',
  access_denied: 'Access denied',
};

/** The engine's error page (e.g. a redirect_uri that is not registered: never redirect, say why). */
export async function renderEngineError(
  ctx: KoaContextWithOIDC,
  out: { error?: string; error_description?: string },
  error: unknown,
): Promise<void> {
  setPageHeaders((name, value) => ctx.set(name, value));
  ctx.type = 'html';
  if (error && typeof error === 'object' && (error as Record<symbol, unknown>)[PENDING_APPROVAL]) {
    // Checks again every few seconds: once the admin approves, the same request goes through.
    ctx.status = 403;
    ctx.body = layout(
      'Waiting for approval',
      html`
<h1>Waiting for administrator approval</h1>
<p>This client identifies itself with a metadata document at <code>${new URL(String(ctx.oidc?.params?.client_id ?? 'https://unknown/')).host}</code>.
The administrator of this server approves each new client of this kind before it can be used.</p>
<p class="notice">This page checks again every 5 seconds and continues on its own once the client is approved.</p>`,
      { refreshSeconds: 5 },
    );
    return;
  }
  const code = out.error ?? 'server_error';
  const title = ERROR_TITLES[code] ?? 'Something went wrong';
  const detail = (error as { error_detail?: string } | undefined)?.error_detail;
  const message = `${out.error_description ?? 'The request could not be completed.'}${detail && code === 'invalid_client' ? `: ${detail}` : ''}`;
  ctx.body = layout(title, errorPage(title, message, `OAuth error: ${code}`));
}
