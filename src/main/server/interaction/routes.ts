import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Provider } from 'oidc-provider';
import type { EngineStore } from '../../store/engine-store';
import type { EventLog } from '../../store/events';
import { withUnitOfWork } from '../../store/oidc-adapter';
import type { UserStore } from '../../store/users';
import { readBody } from '../http/body';
import type { McpResource } from '../oauth/resources';
import { effectiveScopes } from '../oauth/scopes';
import { isLoopbackRedirectUri } from '../oauth/redirect-uris';
import { CsrfTokens } from './csrf';
import { sendPage } from './html';
import { consentPage, errorPage, signInPage } from './pages';

/**
 * The sign-in and consent pages the engine sends the browser to
 * (`/interaction/:uid`), and their form posts.
 */

export interface InteractionDeps {
  provider: Provider;
  events: EventLog;
  store: EngineStore;
  users: UserStore;
  resource: McpResource;
  csrf: CsrfTokens;
  firstRunUsername: () => string | undefined;
  /** --auto-approve: sign in as this user and consent without pages (automated client tests). */
  autoApprove?: { id: string; username: string };
}

type Details = Awaited<ReturnType<Provider['interactionDetails']>>;

const ROUTE = /^\/interaction\/([A-Za-z0-9_-]{1,64})(?:\/(login|consent))?$/;

class Forbidden extends Error {}

/** 303 after a form POST (never 307: the browser must not repeat the POST; RFC 9700 §4.12). */
function redirectAfterPost(res: ServerResponse, location: string): void {
  res.statusCode = 303;
  res.setHeader('Location', location);
  res.setHeader('Content-Length', '0');
  res.end();
}

function sendForbidden(res: ServerResponse, message: string): void {
  sendPage(res, 403, 'Request refused', errorPage('Request refused', message));
}

/** The pending request's parameters as strings, for display and for the CSRF binding. */
function requestView(details: Details) {
  const params = details.params as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  return {
    clientId: str(params.client_id),
    redirectUri: str(params.redirect_uri),
    scope: str(params.scope),
    resource: Array.isArray(params.resource) ? params.resource.join(' ') : str(params.resource),
  };
}

function consentBinding(details: Details): string {
  const v = requestView(details);
  return CsrfTokens.binding([v.clientId, v.redirectUri, v.scope, v.resource, details.session?.accountId ?? '']);
}

/** Form posts must come from our own page: same origin, not a cross-site request. */
function checkSameOrigin(req: IncomingMessage, host: string): void {
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${host}`) throw new Forbidden('This form was sent from another site.');
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    throw new Forbidden('This form was sent from another site.');
  }
}

export function createInteractionHandler(deps: InteractionDeps) {
  const { provider, store, users, resource, csrf, events } = deps;

  async function clientInfo(clientId: string) {
    const client = await provider.Client.find(clientId);
    const row = store.db.prepare('SELECT registration_type FROM clients WHERE client_id = ?').get(clientId) as
      | { registration_type: string }
      | undefined;
    return {
      name: client?.clientName ?? clientId,
      selfRegistered: row?.registration_type !== 'manual',
      metadataDocument: row?.registration_type === 'metadata_document',
      redirectUris: client?.redirectUris ?? [],
    };
  }

  async function showSignIn(res: ServerResponse, details: Details, status = 200, extra: { error?: string; username?: string } = {}) {
    const view = requestView(details);
    const client = await clientInfo(view.clientId);
    sendPage(
      res,
      status,
      'Sign in',
      signInPage({
        uid: details.uid,
        csrf: csrf.issue(details.uid, 'login', ''),
        clientName: client.name,
        resource: view.resource || resource.canonical,
        firstRunUsername: deps.firstRunUsername(),
        ...extra,
      }),
    );
  }

  async function showConsent(res: ServerResponse, details: Details) {
    const view = requestView(details);
    const client = await clientInfo(view.clientId);
    const user = users.findById(details.session?.accountId ?? '');
    const redirect = URL.parse(view.redirectUri);
    sendPage(
      res,
      200,
      'Allow access?',
      consentPage({
        uid: details.uid,
        csrf: csrf.issue(details.uid, 'consent', consentBinding(details)),
        clientName: client.name,
        clientId: view.clientId,
        selfRegistered: client.selfRegistered,
        redirectHost: redirect?.host || redirect?.protocol || view.redirectUri,
        loopbackRedirect: isLoopbackRedirectUri(view.redirectUri),
        scopes: effectiveScopes(view.scope),
        resource: view.resource || resource.canonical,
        username: user?.displayName ?? user?.username ?? '',
        ...(client.metadataDocument
          ? {
              documentHost: new URL(view.clientId).host,
              allRedirectsLoopback: client.redirectUris.length > 0 && client.redirectUris.every(isLoopbackRedirectUri),
            }
          : {}),
      }),
    );
  }

  async function finishConsent(req: IncomingMessage, res: ServerResponse, details: Details) {
    const accountId = details.session!.accountId;
    const clientId = requestView(details).clientId;
    const scopes = effectiveScopes(requestView(details).scope).join(' ');
    // One consent record per user and client: extend the existing one.
    const existingId = details.grantId ?? store.latestGrantId(accountId, clientId);
    let grant = existingId ? await provider.Grant.find(existingId) : undefined;
    if (!grant || grant.accountId !== accountId || grant.clientId !== clientId) {
      grant = new provider.Grant({ accountId, clientId });
    }
    // The resource is reachable under several loopback names: consent covers all of them.
    for (const alias of resource.aliases) grant.addResourceScope(alias, scopes);
    const missing = (details.prompt.details as { missingOIDCScope?: string[] }).missingOIDCScope;
    if (missing?.length) grant.addOIDCScope(missing.join(' '));
    const consent = grant;
    // The consent, its activity event and the interaction result commit together, before the redirect.
    let returnTo = '';
    await withUnitOfWork(
      store,
      async () => {
        const grantId = await consent.save();
        events.record({
          type: 'consent.granted',
          outcome: 'success',
          clientId,
          accountId,
          summary: `Consent given for ${scopes}${deps.autoApprove ? ' (auto-approve)' : ''}`,
          data: { scopes: scopes.split(' '), redirectUri: requestView(details).redirectUri },
        });
        returnTo = await provider.interactionResult(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
      },
      () => 'success',
    );
    redirectAfterPost(res, returnTo);
  }

  /** --auto-approve: the step a person would do on this page, done at once. */
  async function approveAutomatically(req: IncomingMessage, res: ServerResponse, details: Details, user: { id: string; username: string }) {
    if (details.prompt.name === 'login') {
      events.record({
        type: 'signin.succeeded',
        outcome: 'success',
        clientId: requestView(details).clientId,
        accountId: user.id,
        summary: `Signed in as ${user.username} (auto-approve)`,
        data: { autoApprove: true },
      });
      await provider.interactionFinished(req, res, { login: { accountId: user.id } }, { mergeWithLastSubmission: false });
      return;
    }
    await finishConsent(req, res, details);
  }

  async function deny(req: IncomingMessage, res: ServerResponse, details: Details, description: string) {
    events.record({
      type: 'consent.denied',
      outcome: 'failure',
      clientId: requestView(details).clientId,
      accountId: details.session?.accountId ?? null,
      summary: description === 'the user denied access' ? 'The user denied access' : 'The user cancelled the sign-in',
      error: 'access_denied',
    });
    await provider.interactionFinished(
      req,
      res,
      { error: 'access_denied', error_description: description },
      { mergeWithLastSubmission: false },
    );
  }

  /** Handles the request if it is an interaction route; returns false otherwise. */
  return async function handleInteraction(req: IncomingMessage, res: ServerResponse, path: string, host: string): Promise<boolean> {
    const match = ROUTE.exec(path);
    if (!match) return false;
    const [, uid, step] = match as unknown as [string, string, string | undefined];
    const isPost = req.method === 'POST';
    if ((step && !isPost) || (!step && req.method !== 'GET' && req.method !== 'HEAD')) {
      res.setHeader('Allow', step ? 'POST' : 'GET');
      sendPage(res, 405, 'Not allowed', errorPage('Not allowed', 'This address does not accept that method.'));
      return true;
    }
    let details: Details;
    try {
      details = await provider.interactionDetails(req, res);
    } catch {
      sendPage(
        res,
        400,
        'Sign-in expired',
        errorPage('Sign-in expired', 'This sign-in request has expired or was already used.', 'Pending requests last 10 minutes.'),
      );
      return true;
    }
    try {
      if (details.uid !== uid) throw new Forbidden('This page belongs to another sign-in request.');
      if (!isPost) {
        if (deps.autoApprove) await approveAutomatically(req, res, details, deps.autoApprove);
        else if (details.prompt.name === 'login') await showSignIn(res, details);
        else await showConsent(res, details);
        return true;
      }
      checkSameOrigin(req, host);
      if (details.result) throw new Forbidden('This form was already submitted.');
      const form = new URLSearchParams((await readBody(req)).toString('utf8'));
      if (step === 'login') {
        if (details.prompt.name !== 'login') throw new Forbidden('This sign-in step is already done.');
        if (!csrf.verify(form.get('csrf'), uid, 'login', '')) throw new Forbidden('The form token is missing or wrong.');
        if (form.get('action') === 'cancel') {
          await deny(req, res, details, 'the user cancelled the sign-in');
          return true;
        }
        const username = (form.get('username') ?? '').trim();
        const user = await users.authenticate(username, form.get('password') ?? '');
        if (!user) {
          events.record({
            type: 'signin.failed',
            outcome: 'failure',
            clientId: requestView(details).clientId,
            summary: `Sign-in failed for “${username.slice(0, 64)}”`,
            reason: 'wrong username or password, or the account is disabled',
            data: { username: username.slice(0, 64) },
          });
          await showSignIn(res, details, 401, { error: 'Wrong username or password, or the account is disabled.', username });
          return true;
        }
        events.record({
          type: 'signin.succeeded',
          outcome: 'success',
          clientId: requestView(details).clientId,
          accountId: user.id,
          summary: `Signed in as ${user.username}`,
        });
        await provider.interactionFinished(req, res, { login: { accountId: user.id } }, { mergeWithLastSubmission: false });
        return true;
      }
      if (details.prompt.name !== 'consent') throw new Forbidden('There is no consent to give for this request.');
      if (!csrf.verify(form.get('csrf'), uid, 'consent', consentBinding(details))) {
        throw new Forbidden('The form token is missing or wrong.');
      }
      if (form.get('decision') === 'allow') await finishConsent(req, res, details);
      else await deny(req, res, details, 'the user denied access');
      return true;
    } catch (error) {
      if (error instanceof Forbidden) {
        sendForbidden(res, error.message);
        return true;
      }
      throw error;
    }
  };
}
