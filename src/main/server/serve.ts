import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { resolveDataDir } from '../store/data-dir';
import { StartupError } from '../store/errors';
import { DATA_DIR_ENV, DEFAULT_PORT, MCP_PATH, PORT_ENV } from './defaults';
import { startServer } from './create-server';

/**
 * `npm run serve`: the server without the desktop window. Listens on
 * 127.0.0.1 only, prints where to point clients, stops cleanly on SIGINT/SIGTERM.
 */

const USAGE = `Usage: npm run serve -- [options]

Runs the MCP Auth Desk authorization server and MCP endpoint on 127.0.0.1.

Options:
  --port <number>      Port to listen on (default ${DEFAULT_PORT}, or $${PORT_ENV}, or
                       the port last chosen in the desktop app)
  --data-dir <path>    Folder for the database and key files (default: your
                       user's app-data folder, or $${DATA_DIR_ENV})
  --regenerate-keys    Replace the signing and cookie keys (signs browsers out;
                       clients, consents and tokens are kept)
  --auto-approve <username>
                       Test mode for automated MCP client runs: sign in as
                       this (existing) user and allow every request without
                       showing pages. Never saved; for CI runs only.
  -h, --help           Show this help
`;

export function parsePort(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const port = Number(value);
  if (!/^\d+$/.test(value) || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new StartupError(`Invalid port "${value}": give a whole number from 1 to 65535.`);
  }
  return port;
}

async function main(argv: string[]): Promise<void> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        'data-dir': { type: 'string' },
        'regenerate-keys': { type: 'boolean' },
        'auto-approve': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    throw new StartupError(`${(error as Error).message}\n\n${USAGE}`);
  }
  if (args.help) {
    process.stdout.write(USAGE);
    return;
  }
  const port = parsePort(args.port ?? process.env[PORT_ENV]);
  const dataDir = resolveDataDir(args['data-dir']);
  const server = await startServer({
    dataDir,
    port,
    regenerateKeys: args['regenerate-keys'],
    autoApproveUsername: args['auto-approve'],
    // The built renderer sits beside this bundle (out/serve/serve.mjs → out/renderer).
    adminUi: { dir: fileURLToPath(new URL('../renderer', import.meta.url)) },
  });

  const firstRun = server.users.list().find((user) => !user.hasPassword && !user.disabled);
  const lines = [
    `Listening on ${server.url}`,
    `MCP endpoint: http://localhost:${server.port}${MCP_PATH} (also http://127.0.0.1:${server.port}${MCP_PATH})`,
    `Data folder: ${server.dataDir}`,
    `Admin UI: ${server.adminUrl} (this link holds the admin token: keep it to yourself)`,
  ];
  if (server.autoApproveUser) {
    lines.push(
      '',
      `WARNING: --auto-approve ${server.autoApproveUser}: every authorization request is signed in as ${server.autoApproveUser}`,
      'and allowed without asking anyone. Use this only for automated client tests, never for real access.',
      '',
    );
  } else if (firstRun) lines.push(`Sign in as "${firstRun.username}" with an empty password.`);
  lines.push('Press Ctrl+C to stop.');
  process.stdout.write(`${lines.join('\n')}\n`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`Stopping (${signal})...\n`);
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof StartupError) process.stderr.write(`${error.message}\n`);
  else console.error(error);
  process.exit(1);
});
