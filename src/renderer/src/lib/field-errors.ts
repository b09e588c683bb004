import type { AdminError } from '../../../shared/dto';

/**
 * Field errors for a form: `error.fields` keyed by path ('name',
 * 'redirectUris.0'). Redirect URI errors are joined into one message for the
 * textarea, naming each line that failed.
 */
export function fieldErrors(error: AdminError | undefined, uris: string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  if (!error?.fields) return out;
  const uriProblems: string[] = [];
  for (const [path, message] of Object.entries(error.fields)) {
    const match = /^redirectUris\.(\d+)$/.exec(path);
    if (match) {
      const index = Number(match[1]);
      uriProblems.push(`Line ${index + 1}${uris[index] ? ` (${uris[index]})` : ''}: ${message}`);
    } else {
      out[path.split('.')[0] ?? path] ??= message;
    }
  }
  if (uriProblems.length > 0) out.redirectUris = [out.redirectUris, ...uriProblems].filter(Boolean).join('\n');
  return out;
}

/** The error message to show above a form when no field took it. */
export function formError(error: AdminError | undefined, shown: Record<string, string>, known: string[]): string | undefined {
  if (!error) return undefined;
  const onFields = Object.keys(shown).some((key) => known.includes(key));
  return onFields ? undefined : error.message;
}
