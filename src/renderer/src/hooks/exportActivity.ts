import { notifications } from '@mantine/notifications';
import { api } from '../api';
import type { ActivityFilter } from '../lib/activity';
import { downloadText } from '../lib/download';

export const EXPORT_FILE_NAME = 'mcp-auth-desk-activity.jsonl';

/** Downloads the events matching the filter as JSON Lines (oldest first) and says how many. */
export async function exportActivity(filter: ActivityFilter): Promise<void> {
  const result = await api.exportEvents(filter);
  if (!result.ok) {
    notifications.show({ color: 'red', title: 'Could not export the activity', message: result.error.message, autoClose: 6000 });
    return;
  }
  if (result.value.count === 0) {
    notifications.show({ color: 'yellow', message: 'No events match these filters: nothing to export.' });
    return;
  }
  downloadText(EXPORT_FILE_NAME, result.value.jsonl, 'application/jsonl');
  const events = result.value.count === 1 ? '1 event' : `${result.value.count} events`;
  notifications.show({ color: 'green', message: `${events} exported to ${EXPORT_FILE_NAME}.` });
}
