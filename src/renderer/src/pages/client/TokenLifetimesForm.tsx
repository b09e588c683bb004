import { useEffect, useState } from 'react';
import { Alert, Button, Group, NumberInput, Stack } from '@mantine/core';
import type { AdminError, ClientDetail } from '../../../../shared/dto';
import { useBusy } from '../../hooks/useBusy';
import { setClientTokenLifetimes } from '../../hooks/mutations';
import { fieldErrors, formError } from '../../lib/field-errors';
import { formatUptime } from '../../lib/format';
import {
  DEFAULT_ACCESS_TOKEN_TTL_SECONDS,
  DEFAULT_REFRESH_TOKEN_TTL_SECONDS,
  MIN_ACCESS_TOKEN_TTL_SECONDS,
  MIN_REFRESH_TOKEN_TTL_SECONDS,
} from '../../lib/tokens';

type Seconds = number | '';

const toInput = (value: number | null): Seconds => value ?? '';
const toOverride = (value: Seconds): number | null => (value === '' ? null : value);

function tooShort(value: Seconds, min: number): string | undefined {
  return value !== '' && value < min ? `At least ${min} seconds (or empty for the server default).` : undefined;
}

/** Per-client access and refresh token lifetimes, to watch a client handle expiry; empty means the server default. */
export function TokenLifetimesForm({ client, onSaved }: { client: ClientDetail; onSaved: () => void }) {
  const [access, setAccess] = useState<Seconds>(toInput(client.accessTokenTtlSeconds));
  const [refresh, setRefresh] = useState<Seconds>(toInput(client.refreshTokenTtlSeconds));
  const [error, setError] = useState<AdminError | undefined>(undefined);
  const [busy, run] = useBusy();

  useEffect(() => {
    setAccess(toInput(client.accessTokenTtlSeconds));
    setRefresh(toInput(client.refreshTokenTtlSeconds));
  }, [client.accessTokenTtlSeconds, client.refreshTokenTtlSeconds]);

  const errors = fieldErrors(error);
  const accessError = tooShort(access, MIN_ACCESS_TOKEN_TTL_SECONDS) ?? errors.accessTokenTtlSeconds;
  const refreshError = tooShort(refresh, MIN_REFRESH_TOKEN_TTL_SECONDS) ?? errors.refreshTokenTtlSeconds;
  const generalError = formError(error, errors, ['accessTokenTtlSeconds', 'refreshTokenTtlSeconds']);
  const unchanged = toOverride(access) === client.accessTokenTtlSeconds && toOverride(refresh) === client.refreshTokenTtlSeconds;

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    if (tooShort(access, MIN_ACCESS_TOKEN_TTL_SECONDS) || tooShort(refresh, MIN_REFRESH_TOKEN_TTL_SECONDS)) return;
    void run(async () => {
      const result = await setClientTokenLifetimes({
        clientId: client.clientId,
        accessTokenTtlSeconds: toOverride(access),
        refreshTokenTtlSeconds: toOverride(refresh),
      });
      setError(result.ok ? undefined : result.error);
      if (result.ok) onSaved();
    });
  };

  const seconds = (set: (value: Seconds) => void) => (value: string | number) => set(typeof value === 'number' ? value : '');

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        {generalError && <Alert color="red">{generalError}</Alert>}
        <Group align="flex-start" grow>
          <NumberInput
            label="Access token lifetime (seconds)"
            description={`Empty: the server default (${formatUptime(DEFAULT_ACCESS_TOKEN_TTL_SECONDS)}). At least ${MIN_ACCESS_TOKEN_TTL_SECONDS}.`}
            placeholder="Server default"
            min={MIN_ACCESS_TOKEN_TTL_SECONDS}
            max={86_400}
            clampBehavior="none"
            allowDecimal={false}
            allowNegative={false}
            value={access}
            onChange={seconds(setAccess)}
            error={accessError}
          />
          <NumberInput
            label="Refresh token lifetime (seconds)"
            description={
              client.flow === 'client_credentials'
                ? 'Client-credentials clients get no refresh token; this applies only if it ever does.'
                : `Empty: the server default (${formatUptime(DEFAULT_REFRESH_TOKEN_TTL_SECONDS)} unused). At least ${MIN_REFRESH_TOKEN_TTL_SECONDS}.`
            }
            placeholder="Server default"
            min={MIN_REFRESH_TOKEN_TTL_SECONDS}
            max={90 * 86_400}
            clampBehavior="none"
            allowDecimal={false}
            allowNegative={false}
            value={refresh}
            onChange={seconds(setRefresh)}
            error={refreshError}
          />
        </Group>
        <Group justify="flex-end">
          <Button type="submit" variant="light" loading={busy} disabled={unchanged}>
            Save lifetimes
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
