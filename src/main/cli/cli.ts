import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createAdminService } from '../admin/service';
import { SERVER_VERSION } from '../server/defaults';
import { DATABASE_FILE_NAME, openDatabase } from '../store/database';
import { ensureDataDir, resolveDataDir } from '../store/data-dir';
import { StartupError } from '../store/errors';
import type { OperationName } from '../../shared/operations';
import { COMMANDS, type Command } from './commands';

/**
 * `npm run cli -- <command>`: the admin operations from a terminal. It opens the
 * same database as the server (WAL lets both write), so it works while the
 * server runs. Exit codes: 0 done, 1 refused or failed, 2 wrong usage.
 */

const GLOBAL_OPTIONS = { 'data-dir': { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } as const;

function usage(): string {
  const width = Math.max(...Object.values(COMMANDS).map((c) => c.usage.length));
  return [
    'Usage: npm run cli -- <command> [options] [--data-dir <path>] [--json]',
    '',
    'Commands:',
    ...Object.values(COMMANDS).map((c) => `  ${c.usage.padEnd(width)}  ${c.summary}`),
    '',
    'Options:',
    '  --data-dir <path>  the data folder (default: the server\'s, or $MCP_AUTH_DESK_DATA_DIR)',
    '  --json             machine-readable output',
    '',
  ].join('\n');
}

class UsageError extends Error {}

function readStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (chunk: string) => (text += chunk));
    process.stdin.on('end', () => resolve(text));
    process.stdin.on('error', reject);
  });
}

function parse(argv: string[]): { command: Command; name: string; positionals: string[]; options: Record<string, unknown> } {
  // The command comes first: `clients list`, then its arguments and options.
  const words = argv.slice(0, 2);
  const name = words.join(' ');
  const command = COMMANDS[name];
  if (!command) {
    throw new UsageError(words.some((w) => w.startsWith('-')) ? 'Put the command first, then its options.' : `Unknown command "${name}".`);
  }
  const rest = argv.slice(2);
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: { ...GLOBAL_OPTIONS, ...command.options }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\nUsage: npm run cli -- ${command.usage}`);
  }
  if (parsed.positionals.length !== command.positionals.length) {
    throw new UsageError(`Usage: npm run cli -- ${command.usage}`);
  }
  return { command, name, positionals: parsed.positionals, options: parsed.values };
}

async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(usage());
    return argv.length === 0 ? 2 : 0;
  }
  if (argv.includes('--version')) {
    process.stdout.write(`${SERVER_VERSION}\n`);
    return 0;
  }
  let parsed;
  try {
    parsed = parse(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\nRun \`npm run cli -- --help\` for the list of commands.\n`);
      return 2;
    }
    throw error;
  }
  const { command, positionals, options } = parsed;
  const dataDir = resolveDataDir(options['data-dir'] as string | undefined);
  ensureDataDir(dataDir);
  const db = openDatabase(join(dataDir, DATABASE_FILE_NAME));
  try {
    const service = createAdminService({
      db,
      transport: 'cli',
      serverState: () => ({
        state: 'stopped',
        issuer: null,
        mcpUrl: null,
        port: null,
        dataDir,
        databaseFile: join(dataDir, DATABASE_FILE_NAME),
        startedAt: null,
        uptimeSeconds: null,
        version: SERVER_VERSION,
        problem: null,
        suggestedPort: null,
      }),
    });
    const current = async (operation: OperationName, input: unknown) => {
      const result = await service[operation](input);
      if (!result.ok) throw new StartupError(`Error: ${result.error.message}`);
      return result.value;
    };
    const input = await command.input(positionals, options, readStdin, current);
    const next = command.then?.(options);
    const result = next ? await service[next.operation](next.input) : await service[command.operation](input);
    if (!result.ok) {
      if (options.json) process.stderr.write(`${JSON.stringify(result.error)}\n`);
      else process.stderr.write(`Error: ${result.error.message}\n`);
      return result.error.code === 'invalid_input' ? 2 : 1;
    }
    process.stdout.write(`${options.json ? JSON.stringify(result.value, null, 2) : command.print(result.value)}\n`);
    return 0;
  } finally {
    db.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof StartupError ? error.message : `Unexpected error: ${(error as Error).stack ?? String(error)}`}\n`);
    process.exitCode = 1;
  },
);
