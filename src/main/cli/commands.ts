import type { BackupInfo, ClientDetail, ClientSummary, Consent, ProtocolReport, TokenInspection, TokenSummary, User } from '../../shared/dto';
import type { ActivityEvent } from '../../shared/events';
import type { ClientApproval, DormantClient, RegistrationSettings } from '../../shared/registration';
import type { OperationName } from '../../shared/operations';
import { formatDetails, formatTable, formatTime } from './format';

/**
 * The CLI's commands: how each maps its arguments onto one admin operation and
 * prints the result for people (`--json` prints the raw value instead).
 */

export interface OptionSpec {
  type: 'string' | 'boolean';
  multiple?: boolean;
}

export interface Command {
  usage: string;
  summary: string;
  /** Number of positional arguments after the command words. */
  positionals: string[];
  options: Record<string, OptionSpec>;
  operation: OperationName;
  input(
    positionals: string[],
    options: Record<string, unknown>,
    stdin: () => Promise<string>,
    /** Runs another operation first (to read the current state), returning its value. */
    current: (operation: OperationName, input: unknown) => Promise<unknown>,
  ): Promise<unknown> | unknown;
  /** An operation to run instead, decided from the options (e.g. --remove). */
  then?(options: Record<string, unknown>): { operation: OperationName; input: unknown } | undefined;
  print(value: unknown): string;
}

function settingsText(s: RegistrationSettings): string {
  const m = s.metadataDocuments;
  const d = s.dynamicRegistration;
  const list = (items: string[]) => items.join(', ') || '(none)';
  return formatDetails([
    ['Metadata documents', m.enabled ? 'on' : 'off'],
    ['  Trust', m.trust],
    ['  Allowed domains', list(m.allowedDomains)],
    ['  Blocked domains', list(m.blockedDomains)],
    ['  Private hosts allowed', list(m.privateHostsAllowed)],
    ['Dynamic registration', d.enabled ? 'on' : 'off'],
    ['  Redirect URIs', d.redirectRule],
    ['  Allowed https hosts', list(d.allowedHttpsHosts)],
    ['  Maximum clients', d.maxClients === null ? 'no limit' : String(d.maxClients)],
    ['  Per minute', d.perMinute === null ? 'no limit' : String(d.perMinute)],
  ]);
}

const clientRows = (clients: ClientSummary[]) =>
  formatTable(
    ['CLIENT ID', 'NAME', 'REGISTRATION', 'FLOW', 'LAST USED', 'CONSENTS', 'TOKENS', 'STATUS'],
    clients.map((c) => [
      c.clientId,
      c.name ?? '',
      c.registrationType,
      c.flow === 'authorization_code' ? 'authorization code' : 'client credentials',
      formatTime(c.lastUsedAt),
      String(c.consentCount),
      String(c.activeTokens),
      c.disabled ? 'disabled' : 'active',
    ]),
  );

const clientDetails = (c: ClientDetail) =>
  formatDetails([
    ['Client ID', c.clientId],
    ['Name', c.name ?? ''],
    ['Registration', c.registrationType],
    ['Flow', c.flow === 'authorization_code' ? 'authorization code' : 'client credentials'],
    ['Authentication', c.tokenEndpointAuthMethod],
    ['Redirect URIs', c.redirectUris.join('\n') || '(none)'],
    ['Allowed scopes', c.allowedScopes?.join(' ') ?? 'all'],
    ['Status', c.disabled ? 'disabled' : 'active'],
    ['Created', formatTime(c.createdAt)],
    ['Last used', formatTime(c.lastUsedAt)],
    ['Active tokens', String(c.activeTokens)],
    ['Consents', String(c.consentCount)],
  ]);

const withSecret = (value: unknown) => {
  const { client, clientSecret } = value as { client: ClientDetail; clientSecret: string | null };
  const lines = [clientDetails(client)];
  if (clientSecret) {
    lines.push('', `Client secret: ${clientSecret}`, 'Copy it now: it is stored only as a hash and will not be shown again.');
  }
  return lines.join('\n');
};

const consentRows = (consents: Consent[]) =>
  formatTable(
    ['CLIENT ID', 'CLIENT', 'USER', 'SCOPES', 'GRANTED', 'LAST USED', 'TOKENS'],
    consents.map((c) => [
      c.clientId,
      c.clientName ?? '',
      c.username,
      c.scopes.join(' '),
      formatTime(c.grantedAt),
      formatTime(c.lastUsedAt),
      String(c.activeTokens),
    ]),
  );

const userRow = (u: User) => [u.username, u.displayName, u.hasPassword ? 'set' : 'none', u.disabled ? 'disabled' : 'active', String(u.consentCount)];
const userRows = (users: User[]) => formatTable(['USERNAME', 'DISPLAY NAME', 'PASSWORD', 'STATUS', 'CONSENTS'], users.map(userRow));

const eventRows = (events: ActivityEvent[]) =>
  formatTable(
    ['ID', 'TIME', 'TYPE', 'OUTCOME', 'CLIENT', 'USER', 'SUMMARY'],
    events.map((e) => [
      String(e.id),
      formatTime(e.at),
      e.type,
      e.outcome,
      e.clientName ?? e.clientId ?? '',
      e.username ?? '',
      e.error ? `${e.summary} [${e.error}: ${e.reason ?? ''}]` : e.summary,
    ]),
  );

const STATUS_LABEL = { pass: 'PASS', warning: 'WARN', fail: 'FAIL', not_observed: '----' } as const;

const tokenRows = (tokens: TokenSummary[]) =>
  formatTable(
    ['REF', 'KIND', 'USER', 'SCOPES', 'ISSUED', 'EXPIRES', 'STATUS'],
    tokens.map((t) => [t.fingerprint, t.kind, t.username ?? '', t.scopes.join(' '), formatTime(t.issuedAt), formatTime(t.expiresAt), t.status]),
  );

/** Seconds, or "default" (or nothing) for the server default; anything else is passed on for validation to refuse. */
function lifetime(value: unknown): unknown {
  if (value === undefined || value === 'default') return null;
  return /^\d+$/.test(String(value)) ? Number(value) : value;
}

const clientIdCommand = (operation: OperationName, summary: string, extra: Record<string, unknown> = {}): Omit<Command, 'usage'> => ({
  summary,
  positionals: ['client_id'],
  options: {},
  operation,
  input: ([clientId]) => ({ clientId, ...extra }),
  print: (value) => clientDetails(value as ClientDetail),
});

export const COMMANDS: Record<string, Command> = {
  'clients list': {
    usage: 'clients list [--search <text>] [--type dynamic|manual|metadata_document]',
    summary: 'List clients, newest first',
    positionals: [],
    options: { search: { type: 'string' }, type: { type: 'string' }, limit: { type: 'string' } },
    operation: 'listClients',
    input: (_p, o) => ({
      ...(o.search ? { search: o.search } : {}),
      ...(o.type ? { registrationType: o.type } : {}),
      limit: o.limit ? Number(o.limit) : 500,
    }),
    print: (value) => {
      const page = value as { clients: ClientSummary[]; total: number };
      return page.clients.length ? `${clientRows(page.clients)}\n${page.clients.length} of ${page.total} clients` : 'No clients.';
    },
  },
  'clients show': { usage: 'clients show <client_id>', ...clientIdCommand('getClient', 'Show one client') },
  'clients create': {
    usage: 'clients create --name <name> [--redirect-uri <uri>]... [--public] [--scope <scope>]...',
    summary: 'Pre-register a client. No redirect URI: machine-to-machine (client credentials). With redirect URIs: acts for users (authorization code)',
    positionals: [],
    options: {
      name: { type: 'string' },
      'redirect-uri': { type: 'string', multiple: true },
      public: { type: 'boolean' },
      scope: { type: 'string', multiple: true },
    },
    operation: 'createClient',
    input: (_p, o) => ({
      name: o.name ?? '',
      redirectUris: (o['redirect-uri'] as string[] | undefined) ?? [],
      ...(o.public ? { isPublic: true } : {}),
      ...(o.scope ? { allowedScopes: o.scope } : {}),
    }),
    print: withSecret,
  },
  'clients rotate-secret': {
    usage: 'clients rotate-secret <client_id>',
    summary: 'Replace a confidential client\'s secret (the old one stops working at once)',
    positionals: ['client_id'],
    options: {},
    operation: 'rotateClientSecret',
    input: ([clientId]) => ({ clientId }),
    print: withSecret,
  },
  'clients disable': { usage: 'clients disable <client_id>', ...clientIdCommand('setClientDisabled', 'Disable a client: no authorization, no tokens, its tokens stop working', { disabled: true }) },
  'clients enable': { usage: 'clients enable <client_id>', ...clientIdCommand('setClientDisabled', 'Enable a disabled client', { disabled: false }) },
  'clients delete': {
    usage: 'clients delete <client_id>',
    summary: 'Delete a client after revoking its consents and tokens',
    positionals: ['client_id'],
    options: {},
    operation: 'deleteClient',
    input: ([clientId]) => ({ clientId }),
    print: (value) => {
      const v = value as { revokedConsents: number; revokedTokens: number };
      return `Deleted. Revoked ${v.revokedConsents} consent(s) and ${v.revokedTokens} token(s).`;
    },
  },
  'clients report': {
    usage: 'clients report <client_id>',
    summary: 'How the client follows the MCP authorization spec, judged from what it did',
    positionals: ['client_id'],
    options: {},
    operation: 'getProtocolReport',
    input: ([clientId]) => ({ clientId }),
    print: (value) => {
      const report = value as ProtocolReport;
      return report.rules.map((rule) => `${STATUS_LABEL[rule.status]}  ${rule.title}\n      ${rule.detail}\n      ${rule.specUrl}`).join('\n');
    },
  },
  'clients token-lifetimes': {
    usage: 'clients token-lifetimes <client_id> [--access <seconds|default>] [--refresh <seconds|default>]',
    summary: 'Testing: lifetimes of tokens issued to this client from now on (e.g. --access 10 to exercise refresh)',
    positionals: ['client_id'],
    options: { access: { type: 'string' }, refresh: { type: 'string' } },
    operation: 'setClientTokenLifetimes',
    input: ([clientId], o) => ({
      clientId,
      accessTokenTtlSeconds: lifetime(o.access),
      refreshTokenTtlSeconds: lifetime(o.refresh),
    }),
    print: (value) => {
      const c = value as ClientDetail;
      const describe = (seconds: number | null) => (seconds === null ? 'server default' : `${seconds} s`);
      return `Access tokens: ${describe(c.accessTokenTtlSeconds)}; refresh tokens: ${describe(c.refreshTokenTtlSeconds)}.`;
    },
  },
  'clients expire-tokens': {
    usage: 'clients expire-tokens <client_id> [--include-refresh]',
    summary: 'Testing: expire the client\'s access tokens now (and its refresh tokens with --include-refresh)',
    positionals: ['client_id'],
    options: { 'include-refresh': { type: 'boolean' } },
    operation: 'expireClientTokens',
    input: ([clientId], o) => ({ clientId, includeRefreshTokens: Boolean(o['include-refresh']) }),
    print: (value) => `${(value as { expiredTokens: number }).expiredTokens} token(s) expired.`,
  },
  'tokens list': {
    usage: 'tokens list --client <client_id>',
    summary: 'A client\'s tokens (by reference, never by value)',
    positionals: [],
    options: { client: { type: 'string' } },
    operation: 'listClientTokens',
    input: (_p, o) => ({ clientId: o.client ?? '' }),
    print: (value) => ((value as TokenSummary[]).length ? tokenRows(value as TokenSummary[]) : 'No tokens.'),
  },
  'tokens inspect': {
    usage: 'tokens inspect --ref <hex reference> | --token-stdin',
    summary: 'What a token carries and whether it works (read the token from stdin to keep it out of your shell history)',
    positionals: [],
    options: { ref: { type: 'string' }, 'token-stdin': { type: 'boolean' } },
    operation: 'inspectToken',
    input: async (_p, o, stdin) => (o['token-stdin'] ? { token: (await stdin()).trim() } : { ref: o.ref ?? '' }),
    print: (value) => {
      const t = value as TokenInspection;
      return formatDetails([
        ['Reference', t.ref],
        ['Kind', t.kind],
        ['Status', t.status],
        ['Client', t.clientName ? `${t.clientName} (${t.clientId})` : (t.clientId ?? '')],
        ['User', t.username ?? ''],
        ['Scopes', t.scopes.join(' ')],
        ['Audience', t.audience.join(' ')],
        ['Issued', formatTime(t.issuedAt)],
        ['Expires', formatTime(t.expiresAt)],
        ['Note', t.note],
      ]);
    },
  },
  'events list': {
    usage: 'events list [--client <client_id>] [--user <username>] [--type <type>] [--outcome success|failure|info] [--limit <n>]',
    summary: 'The activity log, newest first',
    positionals: [],
    options: { client: { type: 'string' }, user: { type: 'string' }, type: { type: 'string' }, outcome: { type: 'string' }, limit: { type: 'string' } },
    operation: 'listEvents',
    input: (_p, o) => ({
      ...(o.client ? { clientId: o.client } : {}),
      ...(o.user ? { username: o.user } : {}),
      ...(o.type ? { type: o.type } : {}),
      ...(o.outcome ? { outcome: o.outcome } : {}),
      limit: o.limit ? Number(o.limit) : 50,
    }),
    print: (value) => ((value as ActivityEvent[]).length ? eventRows(value as ActivityEvent[]) : 'No events.'),
  },
  'events export': {
    usage: 'events export [--client <client_id>] [--user <username>] [--type <type>] [--outcome <outcome>]',
    summary: 'The activity log as JSON Lines (oldest first) on standard output',
    positionals: [],
    options: { client: { type: 'string' }, user: { type: 'string' }, type: { type: 'string' }, outcome: { type: 'string' } },
    operation: 'exportEvents',
    input: (_p, o) => ({
      ...(o.client ? { clientId: o.client } : {}),
      ...(o.user ? { username: o.user } : {}),
      ...(o.type ? { type: o.type } : {}),
      ...(o.outcome ? { outcome: o.outcome } : {}),
    }),
    print: (value) => (value as { jsonl: string }).jsonl.trimEnd(),
  },
  'settings show': {
    usage: 'settings show',
    summary: 'The self-registration policy (metadata documents and Dynamic Client Registration)',
    positionals: [],
    options: {},
    operation: 'getRegistrationSettings',
    input: () => ({}),
    print: (value) => settingsText(value as RegistrationSettings),
  },
  'settings set': {
    usage: 'settings set [--metadata-documents on|off] [--trust any|listed|approval] [--allow-domain <d>]... [--block-domain <d>]... [--private-host <host[:port]>]... [--dcr on|off] [--redirect-rule any|loopback|loopback_private_use|loopback_private_use_listed_https] [--https-host <h>]... [--max-clients <n|none>] [--per-minute <n|none>]',
    summary: 'Change the self-registration policy (list options replace their list)',
    positionals: [],
    options: {
      'metadata-documents': { type: 'string' },
      trust: { type: 'string' },
      'allow-domain': { type: 'string', multiple: true },
      'block-domain': { type: 'string', multiple: true },
      'private-host': { type: 'string', multiple: true },
      dcr: { type: 'string' },
      'redirect-rule': { type: 'string' },
      'https-host': { type: 'string', multiple: true },
      'max-clients': { type: 'string' },
      'per-minute': { type: 'string' },
    },
    operation: 'updateRegistrationSettings',
    input: async (_p, o, _stdin, current) => {
      const s = structuredClone((await current('getRegistrationSettings', {})) as RegistrationSettings);
      const onOff = (v: unknown) => (v === 'on' ? true : v === 'off' ? false : v);
      const limit = (v: unknown) => (v === 'none' ? null : /^\d+$/.test(String(v)) ? Number(v) : v);
      if (o['metadata-documents'] !== undefined) s.metadataDocuments.enabled = onOff(o['metadata-documents']) as boolean;
      if (o.trust !== undefined) s.metadataDocuments.trust = o.trust as never;
      if (o['allow-domain']) s.metadataDocuments.allowedDomains = o['allow-domain'] as string[];
      if (o['block-domain']) s.metadataDocuments.blockedDomains = o['block-domain'] as string[];
      if (o['private-host']) s.metadataDocuments.privateHostsAllowed = o['private-host'] as string[];
      if (o.dcr !== undefined) s.dynamicRegistration.enabled = onOff(o.dcr) as boolean;
      if (o['redirect-rule'] !== undefined) s.dynamicRegistration.redirectRule = o['redirect-rule'] as never;
      if (o['https-host']) s.dynamicRegistration.allowedHttpsHosts = o['https-host'] as string[];
      if (o['max-clients'] !== undefined) s.dynamicRegistration.maxClients = limit(o['max-clients']) as number | null;
      if (o['per-minute'] !== undefined) s.dynamicRegistration.perMinute = limit(o['per-minute']) as number | null;
      return s;
    },
    print: (value) => settingsText(value as RegistrationSettings),
  },
  'approvals list': {
    usage: 'approvals list [--decision pending|approved|blocked]',
    summary: 'Metadata-document clients waiting for approval (or approved, or blocked)',
    positionals: [],
    options: { decision: { type: 'string' } },
    operation: 'listApprovals',
    input: (_p, o) => (o.decision ? { decision: o.decision } : {}),
    print: (value) => {
      const rows = value as ClientApproval[];
      if (!rows.length) return 'None.';
      return formatTable(['DECISION', 'CLIENT ID (document URL)', 'NAME', 'FIRST SEEN'], rows.map((a) => [a.decision, a.clientId, a.clientName ?? '', formatTime(a.firstSeenAt)]));
    },
  },
  'approvals approve': {
    usage: 'approvals approve <client_id>',
    summary: 'Approve a metadata-document client (its waiting sign-in continues)',
    positionals: ['client_id'],
    options: {},
    operation: 'decideApproval',
    input: ([clientId]) => ({ clientId, decision: 'approved' }),
    print: (value) => `Approved ${(value as ClientApproval).clientId}.`,
  },
  'approvals block': {
    usage: 'approvals block <client_id>',
    summary: 'Block a metadata-document client (its consents are revoked)',
    positionals: ['client_id'],
    options: {},
    operation: 'decideApproval',
    input: ([clientId]) => ({ clientId, decision: 'blocked' }),
    print: (value) => `Blocked ${(value as ClientApproval).clientId}.`,
  },
  'clients dormant': {
    usage: 'clients dormant [--days <n>] [--remove]',
    summary: 'Self-registered clients unused for n days (default 30) with no live token or consent; --remove deletes them',
    positionals: [],
    options: { days: { type: 'string' }, remove: { type: 'boolean' } },
    operation: 'listDormantClients',
    input: (_p, o) => ({ days: o.days ? Number(o.days) : 30 }),
    then: (o) => (o.remove ? { operation: 'removeDormantClients', input: { days: o.days ? Number(o.days) : 30 } } : undefined),
    print: (value) => {
      if (typeof (value as { removed?: number }).removed === 'number') return `Removed ${(value as { removed: number }).removed} dormant client(s).`;
      const rows = value as DormantClient[];
      if (!rows.length) return 'No dormant clients.';
      return formatTable(['CLIENT ID', 'NAME', 'CREATED', 'LAST USED'], rows.map((c) => [c.clientId, c.name ?? '', formatTime(c.createdAt), formatTime(c.lastUsedAt)]));
    },
  },
  'backup create': {
    usage: 'backup create [--out <file>]',
    summary: 'Back up the database while the server runs (default: into the data folder\'s backups/)',
    positionals: [],
    options: { out: { type: 'string' } },
    operation: 'createBackup',
    input: (_p, o) => (o.out ? { file: o.out } : {}),
    print: (value) => {
      const b = value as BackupInfo;
      return `Backed up to ${b.file} (${Math.round(b.bytes / 1024)} KB).`;
    },
  },
  'backup list': {
    usage: 'backup list',
    summary: 'Backups in the data folder, newest first',
    positionals: [],
    options: {},
    operation: 'listBackups',
    input: () => ({}),
    print: (value) => {
      const rows = value as BackupInfo[];
      return rows.length ? formatTable(['FILE', 'SIZE', 'CREATED'], rows.map((b) => [b.file, `${Math.round(b.bytes / 1024)} KB`, formatTime(b.createdAt)])) : 'No backups.';
    },
  },
  'backup restore': {
    usage: 'backup restore <file>',
    summary: 'Check a backup and stage it; the server uses it from its next start (the current database is kept beside it)',
    positionals: ['file'],
    options: {},
    operation: 'restoreBackup',
    input: ([file]) => ({ file }),
    print: (value) => (value as { message: string }).message,
  },
  'consents list': {
    usage: 'consents list [--client <client_id>] [--user <username>]',
    summary: 'List consents (who allowed which client)',
    positionals: [],
    options: { client: { type: 'string' }, user: { type: 'string' } },
    operation: 'listConsents',
    input: (_p, o) => ({ ...(o.client ? { clientId: o.client } : {}), ...(o.user ? { username: o.user } : {}) }),
    print: (value) => ((value as Consent[]).length ? consentRows(value as Consent[]) : 'No consents.'),
  },
  'consents revoke': {
    usage: 'consents revoke --client <client_id> --user <username>',
    summary: 'Revoke one user\'s consent for a client: its tokens stop working, the user must consent again',
    positionals: [],
    options: { client: { type: 'string' }, user: { type: 'string' } },
    operation: 'revokeConsent',
    input: (_p, o) => ({ clientId: o.client ?? '', username: o.user ?? '' }),
    print: (value) => `Revoked. ${(value as { revokedTokens: number }).revokedTokens} token(s) stopped working.`,
  },
  'users list': {
    usage: 'users list',
    summary: 'List users',
    positionals: [],
    options: {},
    operation: 'listUsers',
    input: () => ({}),
    print: (value) => userRows(value as User[]),
  },
  'users add': {
    usage: 'users add <username> [--display-name <name>] [--password-stdin]',
    summary: 'Add a user (without --password-stdin the user signs in with an empty password)',
    positionals: ['username'],
    options: { 'display-name': { type: 'string' }, 'password-stdin': { type: 'boolean' } },
    operation: 'addUser',
    input: async ([username], o, stdin) => ({
      username,
      ...(o['display-name'] ? { displayName: o['display-name'] } : {}),
      ...(o['password-stdin'] ? { password: (await stdin()).replace(/\r?\n$/, '') } : {}),
    }),
    print: (value) => userRows([value as User]),
  },
  'users disable': {
    usage: 'users disable <username>',
    summary: 'Disable a user: no sign-in, their tokens stop working',
    positionals: ['username'],
    options: {},
    operation: 'setUserDisabled',
    input: ([username]) => ({ username, disabled: true }),
    print: (value) => userRows([value as User]),
  },
  'users enable': {
    usage: 'users enable <username>',
    summary: 'Enable a disabled user',
    positionals: ['username'],
    options: {},
    operation: 'setUserDisabled',
    input: ([username]) => ({ username, disabled: false }),
    print: (value) => userRows([value as User]),
  },
  'users delete': {
    usage: 'users delete <username>',
    summary: 'Delete a user and revoke their consents',
    positionals: ['username'],
    options: {},
    operation: 'deleteUser',
    input: ([username]) => ({ username }),
    print: (value) => `Deleted. Revoked ${(value as { revokedConsents: number }).revokedConsents} consent(s).`,
  },
};
