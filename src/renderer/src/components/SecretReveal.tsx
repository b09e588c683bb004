import { Alert, Button, Group, Stack, Text, Title } from '@mantine/core';
import type { ClientCredentials } from '../../../shared/dto';
import { CopyField } from './CopyField';

/** Shown once after creating a client or rotating its secret: the secret is never shown again. */
interface Props {
  /** A heading above the values (when the dialog's title does not say it already). */
  heading?: string;
  credentials: ClientCredentials;
  onDone: () => void;
}

export function SecretReveal({ heading, credentials, onDone }: Props) {
  const { client, clientSecret } = credentials;
  return (
    <Stack>
      <div>
        {heading && <Title order={3}>{heading}</Title>}
        <Text size="sm" c="dimmed">
          {client.name ?? client.clientId}: {clientSecret === null ? 'a public client, it has no secret.' : 'give these credentials to the client.'}
        </Text>
      </div>
      <CopyField label="Client ID" value={client.clientId} copyLabel="Copy client ID" />
      {clientSecret !== null && (
        <>
          <CopyField label="Client secret" value={clientSecret} copyLabel="Copy client secret" />
          <Alert color="yellow" variant="light">
            Copy the secret now: it will not be shown again.
          </Alert>
        </>
      )}
      <Group justify="flex-end">
        <Button onClick={onDone}>Done</Button>
      </Group>
    </Stack>
  );
}
