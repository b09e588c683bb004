import type { ServerResponse } from 'node:http';
import { html, sendPage } from '../interaction/html';
import type { McpResource } from '../oauth/resources';

/** What a person sees opening the server's address in a browser: that it runs, and where to point clients. */
export function landingPage(res: ServerResponse, host: string, resource: McpResource, issuer: string): void {
  sendPage(
    res,
    200,
    'Running',
    html`
<h1>MCP Auth Desk is running</h1>
<p>Point your MCP client at this address:</p>
<p><code>${resource.forHost(host)}</code></p>
<dl>
<dt>Authorization server</dt><dd><code>${issuer}</code></dd>
<dt>Metadata</dt><dd><code>${issuer}/.well-known/oauth-authorization-server</code></dd>
</dl>
<p class="muted">Clients register themselves, then send you here to sign in and allow access.</p>`,
  );
}
