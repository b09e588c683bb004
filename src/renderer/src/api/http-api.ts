import type { Result } from '../../../shared/dto';
import { OPERATION_NAMES, type AdminApi, type OperationName } from '../../../shared/operations';

function unavailable(message: string): Result<never> {
  return { ok: false, error: { code: 'unavailable', message } };
}

function isResult(value: unknown): value is Result<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { ok?: unknown }).ok === 'boolean';
}

async function call(name: OperationName, input: unknown, token: string | null): Promise<Result<unknown>> {
  let response: Response;
  try {
    response = await fetch(`./api/${name}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token ?? ''}` },
      body: JSON.stringify(input ?? {}),
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return unavailable(`The server cannot be reached (${reason}). Is \`npm run serve\` still running?`);
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    return unavailable(`The server answered ${response.status} ${response.statusText} without a result.`);
  }
  // A 401 body is already a Result (code 'forbidden').
  if (isResult(body)) return body;
  return unavailable(`The server answered ${response.status} with an unexpected body.`);
}

/** The admin contract over HTTP (browser mode), same-origin under /admin/. */
export function createHttpApi(getToken: () => string | null): AdminApi {
  const api = {} as Record<OperationName, (input: unknown) => Promise<Result<unknown>>>;
  for (const name of OPERATION_NAMES) {
    api[name] = (input) => call(name, input, getToken());
  }
  return api as AdminApi;
}
