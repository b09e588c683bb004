import type { ClientDetail, ProtocolReport, ProtocolRule, RuleStatus } from '../../shared/dto';
import type { ActivityEvent } from '../../shared/events';
import { isLoopbackRedirectUri, redirectUriMatches } from '../server/oauth/redirect-uris';
import type { McpResource } from '../server/oauth/resources';
import { RESOURCE_SCOPES, splitScope } from '../server/oauth/scopes';

/**
 * How well a client follows the MCP authorization spec, judged from what it
 * actually did (its activity events, oldest first). Each rule is pass, warning
 * or fail with the evidence, or "not observed" until the client has done the
 * thing the rule is about.
 */

const SPEC = 'https://modelcontextprotocol.io/specification/2025-11-25/basic/authorization';

type Verdict = { status: RuleStatus; detail: string; evidence: number[] };

const notObserved = (detail: string): Verdict => ({ status: 'not_observed', detail, evidence: [] });
const ids = (events: ActivityEvent[]) => events.map((event) => event.id).slice(-20);
const str = (value: unknown) => (typeof value === 'string' ? value : null);

export function buildProtocolReport(client: ClientDetail, events: ActivityEvent[], resource: McpResource, now: number): ProtocolReport {
  const requests = events.filter((e) => e.type === 'authorization.requested');
  const rule = (id: string, title: string, specUrl: string, verdict: Verdict): ProtocolRule => ({ id, title, specUrl, ...verdict });

  const rules: ProtocolRule[] = [
    rule('pkce-s256', 'Uses PKCE with S256', `${SPEC}#authorization-code-protection`, pkce(requests)),
    rule('state', 'Sends state', 'https://www.rfc-editor.org/rfc/rfc9700#section-4.7.1', state(requests)),
    rule('resource', 'Sends resource naming the MCP server', `${SPEC}#resource-parameter-implementation`, resourceRule(requests, events, resource)),
    rule('redirect-uri', 'Uses a registered redirect URI exactly (loopback port aside)', 'https://www.rfc-editor.org/rfc/rfc9700#section-4.1.3', redirects(requests, client)),
    rule('public-client', 'A native or CLI client registers as public (token_endpoint_auth_method none)', 'https://www.rfc-editor.org/rfc/rfc8252#section-8.4', publicClient(client)),
    rule('advertised-scopes', 'Asks only for advertised scopes', `${SPEC}#scope-selection-strategy`, scopes(requests)),
    rule('recovers-from-401', 'After a 401 from /mcp, refreshes or re-authorizes', `${SPEC}#authorization-flow-steps`, after401(events)),
    rule('refresh-rotation', 'Refreshes with the newest refresh token (no reuse)', 'https://www.rfc-editor.org/rfc/rfc9700#section-4.14.2', rotation(events)),
    rule('step-up', 'Follows a 403 insufficient_scope with a step-up request', `${SPEC}#scope-challenge-handling`, stepUp(events)),
  ];
  return { clientId: client.clientId, generatedAt: now, eventsConsidered: events.length, rules };
}

function pkce(requests: ActivityEvent[]): Verdict {
  if (requests.length === 0) return notObserved('No authorization request yet.');
  const bad = requests.filter((e) => e.data.pkceMethod !== 'S256');
  if (bad.length === 0) return { status: 'pass', detail: `All ${requests.length} authorization requests used S256.`, evidence: ids(requests) };
  const methods = [...new Set(bad.map((e) => str(e.data.pkceMethod) ?? 'none'))].join(', ');
  return { status: 'fail', detail: `${bad.length} of ${requests.length} requests used ${methods} instead of S256 (and were refused).`, evidence: ids(bad) };
}

function state(requests: ActivityEvent[]): Verdict {
  if (requests.length === 0) return notObserved('No authorization request yet.');
  const without = requests.filter((e) => e.data.statePresent !== true);
  if (without.length === 0) return { status: 'pass', detail: `All ${requests.length} requests carried state.`, evidence: ids(requests) };
  return {
    status: 'warning',
    detail: `${without.length} of ${requests.length} requests had no state: the client cannot tell its own callback from a forged one.`,
    evidence: ids(without),
  };
}

function resourceRule(requests: ActivityEvent[], events: ActivityEvent[], resource: McpResource): Verdict {
  if (requests.length === 0) return notObserved('No authorization request yet.');
  const missing = requests.filter((e) => !str(e.data.resource));
  const wrong = requests.filter((e) => str(e.data.resource) && !resource.resolve(str(e.data.resource)!));
  if (wrong.length) {
    return { status: 'fail', detail: `${wrong.length} requests named another resource (${str(wrong[0]!.data.resource)}).`, evidence: ids(wrong) };
  }
  if (missing.length) {
    return {
      status: 'fail',
      detail: `${missing.length} of ${requests.length} authorization requests had no resource parameter (RFC 8707; MCP requires it). This server filled in its own URL.`,
      evidence: ids(missing),
    };
  }
  const tokenRequests = events.filter((e) => (e.type === 'token.issued' || e.type === 'token.refreshed') && e.data.grantType !== 'client_credentials');
  const tokenWithout = tokenRequests.filter((e) => !str(e.data.resource));
  if (tokenWithout.length) {
    return {
      status: 'warning',
      detail: `Authorization requests named the resource, but ${tokenWithout.length} token requests did not.`,
      evidence: ids(tokenWithout),
    };
  }
  return { status: 'pass', detail: `All ${requests.length} requests named ${str(requests[0]!.data.resource)}.`, evidence: ids(requests) };
}

function redirects(requests: ActivityEvent[], client: ClientDetail): Verdict {
  if (requests.length === 0) return notObserved('No authorization request yet.');
  const refused = requests.filter((e) => e.error === 'invalid_redirect_uri');
  if (refused.length) {
    return { status: 'fail', detail: `${refused.length} requests used a redirect URI that is not registered (${str(refused[0]!.data.redirectUri)}).`, evidence: ids(refused) };
  }
  const loopbackPort = requests.filter((e) => {
    const uri = str(e.data.redirectUri);
    return uri !== null && !client.redirectUris.includes(uri) && redirectUriMatches(uri, client.redirectUris);
  });
  const detail = loopbackPort.length
    ? `Registered URIs used; ${loopbackPort.length} on a different loopback port, which RFC 8252 allows.`
    : 'Every request used a registered redirect URI exactly.';
  return { status: 'pass', detail, evidence: ids(requests) };
}

function publicClient(client: ClientDetail): Verdict {
  if (client.flow !== 'authorization_code') return notObserved('Not an authorization-code client.');
  const nativeOnly = client.redirectUris.length > 0 && client.redirectUris.every((uri) => isLoopbackRedirectUri(uri) || !/^https?:/.test(uri));
  if (client.isPublic) return { status: 'pass', detail: 'Registered as a public client (none).', evidence: [] };
  if (nativeOnly && client.registrationType !== 'manual') {
    return {
      status: 'warning',
      detail: `Every redirect URI is loopback or a private-use scheme (an app on a device), yet it registered ${client.tokenEndpointAuthMethod}: a secret shipped in an app is not secret.`,
      evidence: [],
    };
  }
  return { status: 'pass', detail: `Confidential client (${client.tokenEndpointAuthMethod}) with web redirect URIs.`, evidence: [] };
}

function scopes(requests: ActivityEvent[]): Verdict {
  if (requests.length === 0) return notObserved('No authorization request yet.');
  const unknown = new Set<string>();
  const offending = requests.filter((e) => {
    const extra = splitScope(str(e.data.requestedScope)).filter((scope) => !RESOURCE_SCOPES.includes(scope));
    extra.forEach((scope) => unknown.add(scope));
    return extra.length > 0;
  });
  if (offending.length === 0) return { status: 'pass', detail: 'Only advertised scopes were requested.', evidence: ids(requests) };
  return {
    status: 'warning',
    detail: `Asked for scopes this server does not advertise: ${[...unknown].join(' ')} (ignored here; a stricter server would refuse).`,
    evidence: ids(offending),
  };
}

function after401(events: ActivityEvent[]): Verdict {
  const refusals = events.filter((e) => e.type === 'mcp.refused' && e.data.status === 401 && e.data.token);
  if (refusals.length === 0) return notObserved('No 401 for one of its tokens yet.');
  const recovered = refusals.filter((refusal) =>
    events.some((e) => e.id > refusal.id && (e.type === 'token.refreshed' || e.type === 'token.issued' || e.type === 'authorization.requested')),
  );
  if (recovered.length === refusals.length) {
    return { status: 'pass', detail: `Recovered after each of ${refusals.length} 401 responses.`, evidence: ids(refusals) };
  }
  return {
    status: 'warning',
    detail: `${refusals.length - recovered.length} of ${refusals.length} 401 responses were not followed by a refresh or a new authorization (yet).`,
    evidence: ids(refusals.filter((r) => !recovered.includes(r))),
  };
}

function rotation(events: ActivityEvent[]): Verdict {
  const reuse = events.filter((e) => e.type === 'token.refresh_reuse');
  if (reuse.length) {
    return { status: 'fail', detail: `Presented an already-rotated refresh token ${reuse.length} time(s); each time the whole grant was revoked.`, evidence: ids(reuse) };
  }
  const refreshes = events.filter((e) => e.type === 'token.refreshed');
  if (refreshes.length === 0) return notObserved('No refresh yet.');
  return { status: 'pass', detail: `${refreshes.length} refreshes, each with the newest refresh token.`, evidence: ids(refreshes) };
}

function stepUp(events: ActivityEvent[]): Verdict {
  const forbidden = events.filter((e) => e.type === 'mcp.refused' && e.data.status === 403);
  if (forbidden.length === 0) return notObserved('No 403 insufficient_scope yet.');
  const followed = forbidden.filter((refusal) =>
    events.some(
      (e) => e.id > refusal.id && e.type === 'authorization.requested' && splitScope(str(e.data.requestedScope)).includes(str(refusal.data.requiredScope) ?? ''),
    ),
  );
  if (followed.length === forbidden.length) {
    return { status: 'pass', detail: `Asked for the missing scope after each of ${forbidden.length} 403 responses.`, evidence: ids(forbidden) };
  }
  return {
    status: 'fail',
    detail: `${forbidden.length - followed.length} of ${forbidden.length} 403 insufficient_scope responses were not followed by a request for the missing scope.`,
    evidence: ids(forbidden.filter((r) => !followed.includes(r))),
  };
}
