import { inputSchemas, type Output, type ParsedInput } from '../../shared/contract';
import type { Result, ServerStatus } from '../../shared/dto';
import { OPERATION_NAMES, type OperationName } from '../../shared/operations';
import type { SqliteDatabase } from '../store/database';
import { RESOURCE_SCOPES } from '../server/oauth/scopes';
import { ClientAdmin } from './clients';
import { ConsentAdmin } from './consents';
import { EventLog } from '../store/events';
import { SettingsStore } from '../store/settings';
import { DEFAULT_PORT } from '../server/defaults';
import { McpResource } from '../server/oauth/resources';
import { ActivityAdmin } from './activity';
import { AuditTrail } from './audit';
import { RegistrationAdmin } from './registration';
import { join } from 'node:path';
import { BACKUPS_FOLDER, BackupExistsError, createBackup, listBackups, stageRestore } from '../store/backup';
import { buildProtocolReport } from './protocol-report';
import { noteChangeFromThisProcess } from '../store/other-connections';
import { AdminFailure } from './failure';
import { UserAdmin } from './users';

/**
 * The admin service: every operation of the contract (src/shared), behind one
 * boundary. Each call takes unknown input, validates it with the contract's
 * schema, runs, and returns a Result envelope; it never throws, because
 * Electron's IPC strips error details and the CLI and HTTP bridge print the
 * message as is. No Electron in here: the desktop app, the HTTP bridge and the
 * CLI all use this.
 */

export type AdminService = { [Op in OperationName]: (input: unknown) => Promise<Result<Output<Op>>> };

/** What the running server (if any) reports about itself; the service adds counts. */
export type ServerState = Omit<ServerStatus, 'counts' | 'transport' | 'scopes' | 'autoApproveUser'> & {
  autoApproveUser?: string | null;
};

export interface AdminServiceDeps {
  db: SqliteDatabase;
  now?: () => number;
  serverState: () => ServerState;
  transport: ServerStatus['transport'];
  /** Desktop app only: restart the server on another port (and remember it). */
  restartServer?: (port: number) => Promise<void>;
  /** Fetch a metadata-document client's document again (needs the running server, which holds the fetcher). */
  refreshMetadataDocument?: (clientId: string) => Promise<void>;
  /** Unexpected errors (logged; the caller gets a generic message). */
  onError?: (error: unknown, operation: OperationName) => void;
  /** The activity log; admin changes are recorded in it, in the same transaction. Created on the database if absent. */
  events?: EventLog;
}

const ACTORS: Record<ServerStatus['transport'], string> = {
  ipc: 'admin (desktop app)',
  http: 'admin (browser)',
  cli: 'admin (CLI)',
};

type Handlers = { [Op in OperationName]: (input: ParsedInput<Op>) => Output<Op> | Promise<Output<Op>> };

function describeIssues(issues: readonly { path: PropertyKey[]; message: string }[]): { message: string; fields: Record<string, string> } {
  const fields: Record<string, string> = {};
  for (const issue of issues) {
    const path = issue.path.map(String).join('.') || 'input';
    fields[path] ??= issue.message;
  }
  const [first] = Object.entries(fields);
  return { message: first ? `${first[0]}: ${first[1]}` : 'invalid input', fields };
}

export function createAdminService(deps: AdminServiceDeps): AdminService {
  const now = deps.now ?? Date.now;
  const events = deps.events ?? new EventLog(deps.db, now);
  const audit = new AuditTrail(events, ACTORS[deps.transport]);
  const clients = new ClientAdmin(deps.db, now, audit);
  const consents = new ConsentAdmin(deps.db, now, audit);
  const users = new UserAdmin(deps.db, now, audit);
  const activity = new ActivityAdmin(deps.db, now, events, audit);
  const registration = new RegistrationAdmin(deps.db, now, audit);
  // The MCP resource as clients name it: the running server's port, else the one it will use.
  const resource = () => new McpResource(deps.serverState().port ?? (Number(new SettingsStore(deps.db).get('port')) || DEFAULT_PORT));

  const status = (): ServerStatus => ({
    autoApproveUser: null,
    ...deps.serverState(),
    transport: deps.transport,
    scopes: [...RESOURCE_SCOPES],
    counts: { clients: clients.counts().clients, users: users.count(), consents: consents.count() },
  });

  /**
   * Where a backup file may be: anywhere for the CLI (the person at the terminal
   * chose it), but only a file name inside the data folder's backups/ for the app
   * and the HTTP bridge, which must not read or write arbitrary paths.
   */
  function backupPath(file: string | undefined): string | undefined {
    if (file === undefined || deps.transport === 'cli') return file;
    if (!/^[\w.-]+$/.test(file) || file.startsWith('.')) {
      throw new AdminFailure('invalid_input', 'give a file name (letters, digits, . _ -) inside the backups folder', { file: 'a file name, not a path' });
    }
    return join(deps.serverState().dataDir, BACKUPS_FOLDER, file);
  }

  const handlers: Handlers = {
    getServerStatus: status,
    restartServer: async (input) => {
      if (!deps.restartServer) {
        throw new AdminFailure('unavailable', 'the port is chosen when the server starts: restart `npm run serve` with --port <number>');
      }
      await deps.restartServer(input.port);
      return status();
    },
    listClients: (input) => clients.list(input),
    getClient: (input) => clients.get(input.clientId),
    createClient: (input) => clients.create(input),
    updateClient: (input) => clients.update(input),
    rotateClientSecret: (input) => clients.rotateSecret(input.clientId),
    setClientDisabled: (input) => clients.setDisabled(input.clientId, input.disabled),
    deleteClient: (input) => clients.delete(input.clientId),
    listConsents: (input) => consents.list(input),
    revokeConsent: (input) => consents.revoke(input.clientId, input.username),
    revokeAllConsents: (input) => consents.revokeAll(input.clientId),
    listUsers: () => users.list(),
    addUser: (input) => users.add(input),
    setUserDisabled: (input) => users.setDisabled(input.username, input.disabled),
    deleteUser: (input) => users.delete(input.username),
    listEvents: (input) => activity.listEvents(input),
    exportEvents: (input) => activity.exportEvents(input),
    getProtocolReport: (input) =>
      buildProtocolReport(clients.get(input.clientId), activity.clientHistory(input.clientId), resource(), now()),
    setClientTokenLifetimes: (input) =>
      clients.setTokenLifetimes(input.clientId, input.accessTokenTtlSeconds, input.refreshTokenTtlSeconds),
    expireClientTokens: (input) => activity.expireClientTokens(input.clientId, input.includeRefreshTokens ?? false),
    listClientTokens: (input) => {
      clients.get(input.clientId);
      return activity.listClientTokens(input.clientId);
    },
    inspectToken: (input) => activity.inspect(input),
    getRegistrationSettings: () => registration.getSettings(),
    updateRegistrationSettings: (input) => registration.updateSettings(input),
    listApprovals: (input) => registration.listApprovals(input.decision),
    decideApproval: (input) => registration.decide(input.clientId, input.decision),
    refreshMetadataDocument: async (input) => {
      const client = clients.get(input.clientId);
      if (client.registrationType !== 'metadata_document') {
        throw new AdminFailure('conflict', 'only a client identified by a metadata document has a document to fetch');
      }
      if (!deps.refreshMetadataDocument) throw new AdminFailure('unavailable', 'the server is not running: start it to fetch documents');
      await deps.refreshMetadataDocument(input.clientId);
      return clients.get(input.clientId);
    },
    listDormantClients: (input) => registration.listDormant(input.days),
    removeDormantClients: (input) => registration.removeDormant(input.days, input.clientIds),
    createBackup: async (input) => {
      const backup = await createBackup(deps.db, deps.serverState().dataDir, backupPath(input.file), now()).catch((error: unknown) => {
        throw error instanceof BackupExistsError ? new AdminFailure('conflict', error.message) : error;
      });
      audit.record({ type: 'backup.created', outcome: 'success', summary: `Database backed up to ${backup.file} by ${audit.actor}`, data: { backup: backup.file } });
      return backup;
    },
    listBackups: () => listBackups(deps.serverState().dataDir),
    restoreBackup: (input) => {
      try {
        const { staged } = stageRestore(deps.serverState().databaseFile, backupPath(input.file) ?? '');
        return { staged, message: 'The backup checked out and is ready: restart MCP Auth Desk to use it (the current database is kept beside it).' };
      } catch (error) {
        throw new AdminFailure('invalid_input', (error as Error).message, { file: (error as Error).message });
      }
    },
  };

  async function run<Op extends OperationName>(name: Op, input: unknown): Promise<Result<Output<Op>>> {
    const parsed = inputSchemas[name].safeParse(input ?? {});
    if (!parsed.success) {
      const { message, fields } = describeIssues(parsed.error.issues);
      return { ok: false, error: { code: 'invalid_input', message, fields } };
    }
    try {
      events.flush(); // events queued before this operation get the lower ids
      const handler = handlers[name] as (input: unknown) => Output<Op> | Promise<Output<Op>>;
      const value = await handler(parsed.data);
      audit.publish();
      return { ok: true, value };
    } catch (error) {
      audit.discard();
      if (error instanceof AdminFailure) return { ok: false, error: error.toError() };
      if ((error as { code?: string }).code === 'SQLITE_BUSY') {
        return { ok: false, error: { code: 'unavailable', message: 'the database is busy; try again' } };
      }
      deps.onError?.(error, name);
      return { ok: false, error: { code: 'internal', message: `${name} failed unexpectedly: ${(error as Error).message}` } };
    } finally {
      // The desktop app gives this service its own connection: the server's caches must look again at once.
      noteChangeFromThisProcess();
    }
  }

  return Object.fromEntries(OPERATION_NAMES.map((name) => [name, (input: unknown) => run(name, input)])) as AdminService;
}
