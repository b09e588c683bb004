import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { APP_FOLDER_NAME, DATA_DIR_ENV } from '../server/defaults';
import { StartupError } from './errors';

/** The OS per-user app-data folder, the same one Electron's `app.getPath('userData')` gives this app. */
export function defaultDataDir(): string {
  switch (process.platform) {
    case 'darwin':
      return join(homedir(), 'Library', 'Application Support', APP_FOLDER_NAME);
    case 'win32':
      return join(process.env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), APP_FOLDER_NAME);
    default:
      return join(process.env.XDG_CONFIG_HOME || join(homedir(), '.config'), APP_FOLDER_NAME);
  }
}

/** `--data-dir` beats the environment variable, which beats the OS default. */
export function resolveDataDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(flag || env[DATA_DIR_ENV] || defaultDataDir());
}

/** Creates the folder (owner-only) if needed and checks we can write in it. */
export function ensureDataDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new StartupError(`Cannot create the data folder ${dir}: ${(error as Error).message}`, { cause: error });
  }
  if (!statSync(dir).isDirectory()) throw new StartupError(`The data folder ${dir} is not a folder.`);
  try {
    accessSync(dir, constants.W_OK | constants.R_OK);
  } catch (error) {
    throw new StartupError(
      `Cannot write to the data folder ${dir}. Give your user write permission on it, or choose another folder with --data-dir.`,
      { cause: error },
    );
  }
}
