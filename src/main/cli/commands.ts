import type { ClientDetail, ClientSummary, Consent, User } from '../../shared/dto';
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
  input(positionals: string[], options: Record<string, unknown>, stdin: () => Promise<string>): Promise<unknown> | unknown;
  print(value: unknown): string;
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
