/**
 * Every default of the server in one place, units in the names.
 * docs/STORAGE.md and the README refer to these values.
 */

export const SERVER_VERSION = '0.1.0';

/** Fixed so that MCP client configurations keep working across restarts. */
export const DEFAULT_PORT = 8765;
/** Loopback only: this server has no TLS and trusts its host. */
export const BIND_HOST = '127.0.0.1';

export const DATA_DIR_ENV = 'MCP_AUTH_DESK_DATA_DIR';
export const PORT_ENV = 'MCP_AUTH_DESK_PORT';
export const APP_FOLDER_NAME = 'mcp-auth-desk';

/** Path of the protected MCP endpoint: a path-ful resource avoids the trailing-slash ambiguity of an origin. */
export const MCP_PATH = '/mcp';

export const ACCESS_TOKEN_TTL_SECONDS = 60 * 60;
export const CLIENT_CREDENTIALS_TTL_SECONDS = 60 * 60;
export const AUTHORIZATION_CODE_TTL_SECONDS = 60;
/** A refresh token unused this long expires; each rotation starts a new idle period... */
export const REFRESH_TOKEN_IDLE_TTL_SECONDS = 30 * 24 * 60 * 60;
/** ...but no chain of rotations outlives this, counted from the first sign-in. */
export const REFRESH_TOKEN_ABSOLUTE_TTL_SECONDS = 90 * 24 * 60 * 60;
/** How long a consent is remembered. Longer than any refresh token chain. */
export const GRANT_TTL_SECONDS = 365 * 24 * 60 * 60;
/** A pending sign-in/consent must be finished within this time. */
export const INTERACTION_TTL_SECONDS = 10 * 60;
/** Browser sign-in on the authorization pages. */
export const SESSION_TTL_SECONDS = 14 * 24 * 60 * 60;

export const PURGE_INTERVAL_MS = 10 * 60 * 1000;
/** Request bodies we read ourselves (forms, JSON-RPC, token requests) are capped at this size. */
export const MAX_BODY_BYTES = 64 * 1024;
