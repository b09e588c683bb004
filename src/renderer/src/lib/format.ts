import type { ClientFlow, RegistrationType } from '../../../shared/dto';

export const REGISTRATION_LABELS: Record<RegistrationType, string> = {
  dynamic: 'Dynamic',
  manual: 'Manual',
  metadata_document: 'Metadata URL',
};

export const FLOW_LABELS: Record<ClientFlow, string> = {
  authorization_code: 'Authorization code',
  client_credentials: 'Client credentials',
};

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function formatDate(epochMs: number): string {
  return dateFormat.format(new Date(epochMs));
}

/** "just now", "3 min ago", "2 h ago", "5 days ago"; older than 30 days: the date. Future times: "in 5 min". */
export function relativeTime(epochMs: number, now = Date.now()): string {
  const seconds = Math.round((now - epochMs) / 1000);
  if (seconds <= -45) return `in ${formatUptime(-seconds)}`;
  if (seconds < 45) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.round(hours / 24);
  if (days < 30) return `${days} day${days === 1 ? '' : 's'} ago`;
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' }).format(new Date(epochMs));
}

/** "45 s", "12 min", "2 h 5 min", "3 d 4 h" (uptimes, lifetimes, time left). */
export function formatUptime(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  if (s < 60) return `${s} s`;
  const minutes = Math.floor(s / 60) % 60;
  const hours = Math.floor(s / 3600) % 24;
  const days = Math.floor(s / 86400);
  if (days > 0) return hours > 0 ? `${days} d ${hours} h` : `${days} d`;
  if (hours > 0) return minutes > 0 ? `${hours} h ${minutes} min` : `${hours} h`;
  return `${minutes} min`;
}

/** Non-empty trimmed lines of a textarea. */
export function lines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** "14:03:27": the clock time, to tell apart events of the same minute. */
export function formatClock(epochMs: number): string {
  return timeFormat.format(new Date(epochMs));
}
