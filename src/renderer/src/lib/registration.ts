import type { AdminError } from '../../../shared/dto';
import type { ApprovalDecision, DcrRedirectRule, MetadataTrust, RegistrationSettings } from '../../../shared/registration';

export const TRUST_OPTIONS: { value: MetadataTrust; label: string; description: string }[] = [
  { value: 'any', label: 'Any domain', description: 'Every https document URL is accepted (blocked domains aside).' },
  { value: 'listed', label: 'Only listed domains', description: 'Only documents on an allowed domain or one of its subdomains.' },
  {
    value: 'approval',
    label: 'Ask me to approve each new client',
    description: 'A new document URL waits below until you approve it; the client is refused meanwhile.',
  },
];

export const REDIRECT_RULE_OPTIONS: { value: DcrRedirectRule; label: string }[] = [
  { value: 'any', label: 'Any valid redirect URI' },
  { value: 'loopback', label: 'Loopback only (http://127.0.0.1, http://localhost)' },
  { value: 'loopback_private_use', label: 'Loopback and app schemes (cursor://…)' },
  { value: 'loopback_private_use_listed_https', label: 'Loopback, app schemes and listed https hosts' },
];

export const DECISION_BADGES: Record<ApprovalDecision, { label: string; color: string }> = {
  pending: { label: 'Pending', color: 'yellow' },
  approved: { label: 'Approved', color: 'green' },
  blocked: { label: 'Blocked', color: 'red' },
};

function listAt(settings: RegistrationSettings, field: string): string[] {
  const [section, key] = field.split('.') as [keyof RegistrationSettings, string];
  const value = (settings[section] as unknown as Record<string, unknown>)[key];
  return Array.isArray(value) ? (value as string[]) : [];
}

/**
 * Field errors of updateRegistrationSettings, keyed by field path
 * ('metadataDocuments.allowedDomains'). An entry of a list
 * ('metadataDocuments.allowedDomains.0') is named by its value.
 */
export function settingsFieldErrors(error: AdminError | undefined, settings: RegistrationSettings): Partial<Record<string, string>> {
  const out: Record<string, string[]> = {};
  if (!error?.fields) return {};
  for (const [path, message] of Object.entries(error.fields)) {
    const match = /^(\w+\.\w+)(?:\.(\d+))?$/.exec(path);
    const field = match?.[1] ?? path;
    const index = match?.[2];
    const entry = index === undefined ? undefined : listAt(settings, field)[Number(index)];
    (out[field] ??= []).push(entry === undefined ? message : `“${entry}”: ${message}`);
  }
  return Object.fromEntries(Object.entries(out).map(([field, messages]) => [field, messages.join('\n')]));
}

/** Entries as the server stores them: trimmed, lower case, each once. */
export function normalizeList(values: string[]): string[] {
  return [...new Set(values.map((value) => value.trim().toLowerCase()).filter(Boolean))];
}

/** What to call a metadata-document client in a list or a button: its name, else its URL. */
export const approvalLabel = (approval: { clientName: string | null; clientId: string }) => approval.clientName ?? approval.clientId;
