import type { BackupInfo } from '../../../shared/dto';
import { api } from '../api';
import { runMutation } from './mutations';
import { useResult, type Loaded } from './useResult';

export function useBackups(): Loaded<BackupInfo[]> {
  return useResult(() => api.listBackups({}), 'backups');
}

export const createBackup = () =>
  runMutation(api.createBackup({}), {
    success: (backup) => `Backed up to ${backup.file}.`,
    failure: 'Could not back up the database',
  });

export const restoreBackup = (file: string) =>
  runMutation(api.restoreBackup({ file }), {
    success: (value) => value.message,
    failure: 'Could not restore that backup',
  });
