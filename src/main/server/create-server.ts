import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import type { Provider } from 'oidc-provider';
import { AccessTokenLookup } from '../store/access-tokens';
import { applyStagedRestore } from '../store/backup';
import { Checkpointer } from '../store/checkpointer';
import { DATABASE_FILE_NAME, openDatabase, type SqliteDatabase } from '../store/database';
import { ensureDataDir } from '../store/data-dir';
import { EngineStore } from '../store/engine-store';
import { EventLog } from '../store/events';
import { groupCommitOf } from '../store/group-commit';
import { RegistrationSettingsStore } from '../store/registration-settings';
import { MetadataDocumentFetcher, type DocumentFetcherOptions } from './oauth/cimd/document-fetcher';
import { StartupError } from '../store/errors';
import { loadAdminToken, loadKeyFiles } from '../store/key-files';
import { ADMIN_PATH, createAdminBridge } from '../admin/http-bridge';
import { createAdminService, type ServerState } from '../admin/service';
import { AdminFailure } from '../admin/failure';
import { purgeExpired } from '../store/purge';
import { SettingsStore } from '../store/settings';
import { UserStore } from '../store/users';
import { BIND_HOST, DEFAULT_PORT, MCP_PATH, PURGE_INTERVAL_MS, SERVER_VERSION } from './defaults';
import { allowedHosts } from './http/guards';
import { createRouter } from './http/router';
import { DcrPolicy } from './oauth/dcr-policy';
import { ClientAuthThrottle } from './oauth/auth-throttle';
import { CsrfTokens } from './interaction/csrf';
import { createInteractionHandler } from './interaction/routes';
import { createMcpEndpoint } from './mcp/endpoint';
import { loadEngine } from './oauth/engine';
import { createAuthorizationServer, type BenchmarkEngine } from './oauth/provider';
import { McpResource } from './oauth/resources';

export interface ServerConfig {
  dataDir: string;
  /** 0 picks a free port (tests). Unset: the port saved by an earlier `rememberPort`, else DEFAULT_PORT. */
  port?: number;
  /** Save `port` as this installation's port once listening (the desktop app's "use another port"). */
  rememberPort?: boolean;
  /** Clock for our own records (expiry, last used); the engine keeps its own. */
  now?: () => number;
  /** better-sqlite3 build for another ABI (the Electron main process). */
  nativeBinding?: string;
  regenerateKeys?: boolean;
  purgeIntervalMs?: number;
  /** Name of the account created on first run; defaults to the OS user. */
  firstRunUsername?: string;
  /** Unexpected errors (logged, never sent to clients). */
  onError?: (error: unknown) => void;
  /** Bench-only: serve /mcp without authentication. */
  mcpAuthenticationDisabled?: boolean;
  /**
   * Headless test mode for automated MCP client runs: every authorization is
   * signed in as this user and approved without showing pages. Only from the
   * command line; never persisted.
   */
  autoApproveUsername?: string;
  /** Tests only: how metadata documents are fetched (a test CA to trust, a fake resolver). */
  metadataDocumentFetch?: Pick<DocumentFetcherOptions, 'extraCaPem' | 'resolver'>;
  /** Bench-only: an engine baseline instead of this server (see BenchmarkEngine). */
  benchmarkEngine?: BenchmarkEngine;
  /**
   * Browser mode: serve the admin UI from this folder (the built renderer) at
   * /admin, with the admin API behind the admin token. Off unless set; the
   * desktop app talks to the admin service over IPC instead.
   */
  adminUi?: { dir: string | undefined };
}

export interface RunningServer {
  readonly issuer: string;
  readonly url: string;
  readonly mcpUrl: string;
  readonly port: number;
  readonly dataDir: string;
  readonly databaseFile: string;
  readonly startedAt: number;
  readonly db: SqliteDatabase;
  readonly store: EngineStore;
  readonly users: UserStore;
  readonly events: EventLog;
  readonly provider: Provider;
  /** Browser mode only: the admin UI link, with the admin token in its fragment. */
  readonly adminUrl: string | undefined;
  /** Set when started with --auto-approve. */
  readonly autoApproveUser: string | undefined;
  /** Fetches a metadata-document client's document again now (admin Refresh). */
  refreshMetadataDocument(clientId: string): Promise<void>;
  /** The running server as the admin app's Server page shows it. */
  status(): ServerState;
  purgeNow(): void;
  close(): Promise<void>;
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (error.code === 'EADDRINUSE') {
        reject(
          new StartupError(
            `Port ${port} on ${BIND_HOST} is already in use. Stop the program using it, or choose another port with --port <number>.`,
          ),
        );
      } else if (error.code === 'EACCES') {
        reject(new StartupError(`Not allowed to listen on port ${port}. Choose a port above 1023 with --port <number>.`));
      } else reject(error);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, BIND_HOST);
  });
}

/**
 * Builds and starts the whole server from a config: the one composition used by
 * the desktop app, `npm run serve` and the tests.
 */
export async function startServer(config: ServerConfig): Promise<RunningServer> {
  const now = config.now ?? Date.now;
  const onError = config.onError ?? ((error: unknown) => console.error('Unexpected error:', error));
  ensureDataDir(config.dataDir);
  const databaseFile = join(config.dataDir, DATABASE_FILE_NAME);
  // A restore staged by the admin (CLI or app) is checked and swapped in before anything opens the database.
  applyStagedRestore(databaseFile);
  const db = openDatabase(databaseFile, { nativeBinding: config.nativeBinding });
  const checkpointer = new Checkpointer(db, { nativeBinding: config.nativeBinding, onError });
  const http = createServer({ keepAliveTimeout: 5000 });
  let closingHttp = false;
  let purgeTimer: NodeJS.Timeout | undefined;
  try {
    const settings = new SettingsStore(db);
    const keys = loadKeyFiles(config.dataDir, {
      create: settings.get('keys_created_at') === undefined,
      regenerate: config.regenerateKeys,
    });
    settings.set('keys_created_at', settings.get('keys_created_at') ?? String(now()));
    const users = new UserStore(db, now);
    const firstRunName = config.firstRunUsername ?? safeOsUsername();
    await users.ensureFirstRunUser(firstRunName);
    let autoApprove: { id: string; username: string } | undefined;
    if (config.autoApproveUsername !== undefined) {
      const user = users.findByUsername(config.autoApproveUsername);
      if (!user || user.disabled) {
        throw new StartupError(
          `--auto-approve ${config.autoApproveUsername}: no enabled user has that name. Add it first: npm run cli -- users add ${config.autoApproveUsername}`,
        );
      }
      autoApprove = { id: user.id, username: user.username };
    }

    const engine = await loadEngine();
    // Requests that arrive in the moment between listening and being ready get a 503.
    let handler: ((req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void) | undefined;
    http.on('request', (req, res) => {
      // While draining, answer what is in flight but tell keep-alive clients not to send more on this socket.
      if (closingHttp) res.setHeader('Connection', 'close');
      if (handler) handler(req, res);
      else {
        res.statusCode = 503;
        res.end();
      }
    });
    const savedPort = Number(settings.get('port'));
    const port = await listen(http, config.port ?? (Number.isInteger(savedPort) && savedPort > 0 ? savedPort : DEFAULT_PORT));
    if (config.rememberPort && config.port) settings.set('port', String(port));
    const issuer = `http://${BIND_HOST}:${port}`;
    const resource = new McpResource(port);
    const store = new EngineStore(db, now);
    const events = new EventLog(db, now);
    const registrationSettings = new RegistrationSettingsStore(db);
    const fetcher = new MetadataDocumentFetcher({
      now,
      privateHostsAllowed: () => registrationSettings.get().metadataDocuments.privateHostsAllowed,
      ...config.metadataDocumentFetch,
    });
    const authThrottle = new ClientAuthThrottle(now);
    const provider = createAuthorizationServer({
      events,
      fetcher,
      authThrottle,
      engine,
      issuer,
      port,
      resource,
      store,
      users,
      keys,
      benchmarkEngine: config.benchmarkEngine,
    });
    const handleMcp = createMcpEndpoint({
      tokens: new AccessTokenLookup(db),
      events,
      resource,
      now,
      authenticationDisabled: config.mcpAuthenticationDisabled,
    });
    const handleInteraction = createInteractionHandler({
      provider,
      events,
      store,
      users,
      resource,
      csrf: new CsrfTokens(keys.cookieKeys[0]!),
      autoApprove,
      firstRunUsername: () => {
        const user = users.findByUsername(firstRunName);
        return user && !user.hasPassword && !user.disabled ? user.username : undefined;
      },
    });
    const startedAt = now();
    const refreshMetadataDocument = async (clientId: string) => {
      fetcher.invalidate(clientId);
      try {
        if (!(await provider.Client.find(clientId))) throw new Error('no document could be resolved');
      } catch (error) {
        const detail = (error as { error_detail?: string }).error_detail ?? (error as Error).message;
        throw new AdminFailure('conflict', `the document could not be used: ${detail}`);
      }
    };
    /** What the admin app's Server page shows while this server runs. */
    const status = (): ServerState => ({
      state: 'running',
      issuer,
      mcpUrl: `http://localhost:${port}${MCP_PATH}`,
      port,
      dataDir: config.dataDir,
      databaseFile,
      startedAt,
      uptimeSeconds: Math.round((now() - startedAt) / 1000),
      version: SERVER_VERSION,
      problem: null,
      suggestedPort: null,
      autoApproveUser: autoApprove?.username ?? null,
    });
    let handleAdmin: ReturnType<typeof createAdminBridge> | undefined;
    let adminUrl: string | undefined;
    if (config.adminUi) {
      const token = loadAdminToken(config.dataDir);
      const service = createAdminService({
        db,
        now,
        events,
        transport: 'http',
        serverState: status,
        onError: (error) => onError(error),
        refreshMetadataDocument,
      });
      handleAdmin = createAdminBridge({ service, events, token, uiDir: config.adminUi.dir });
      // The token rides in the fragment: it never reaches a server log or a Referer header.
      adminUrl = `${issuer}${ADMIN_PATH}/#token=${token}`;
    }
    handler = createRouter({
      provider,
      issuer,
      resource,
      hosts: allowedHosts(port),
      handleMcp,
      handleInteraction,
      handleAdmin,
      onError,
      dcrPolicy: new DcrPolicy(db, now),
      authThrottle,
      onAuthorizationRefused: (reason, clientId) =>
        events.record({
          type: 'authorization.requested',
          outcome: 'failure',
          clientId,
          summary: 'Authorization request refused: invalid_request',
          error: 'invalid_request',
          reason,
        }),
      onRegistrationRefused: (refusal) =>
        events.record({
          type: 'client.registration_failed',
          outcome: 'failure',
          summary: `Registration refused by policy: ${refusal.description}`,
          error: refusal.error,
          reason: refusal.description,
          data: { status: refusal.status },
        }),
    });
    // The benchmark's "engine alone" baseline: every request straight to the engine.
    if (config.benchmarkEngine === 'alone') handler = provider.callback();

    const purgeNow = () => {
      try {
        events.trim();
        purgeExpired(db, now());
      } catch (error) {
        onError(error);
      }
    };
    purgeNow();
    purgeTimer = setInterval(purgeNow, config.purgeIntervalMs ?? PURGE_INTERVAL_MS);
    purgeTimer.unref();

    let closing: Promise<void> | undefined;
    return {
      issuer,
      url: issuer,
      mcpUrl: `http://localhost:${port}${MCP_PATH}`,
      port,
      dataDir: config.dataDir,
      databaseFile,
      startedAt,
      adminUrl,
      autoApproveUser: autoApprove?.username,
      refreshMetadataDocument,
      status,
      db,
      store,
      users,
      events,
      provider,
      purgeNow,
      close() {
        closing ??= (async () => {
          clearInterval(purgeTimer);
          closingHttp = true;
          await closeHttp(http);
          fetcher.close();
          groupCommitOf(db).flush();
          events.flush();
          await checkpointer.close();
          db.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    clearInterval(purgeTimer);
    if (http.listening) await closeHttp(http);
    await checkpointer.close();
    db.close();
    throw error;
  }
}

/** Stops accepting, lets requests in flight finish (up to 5 s), then closes what is left. */
function closeHttp(http: Server): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => http.closeAllConnections(), 5000);
    force.unref();
    http.close(() => {
      clearTimeout(force);
      resolve();
    });
    http.closeIdleConnections();
  });
}

function safeOsUsername(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'admin';
  }
}
