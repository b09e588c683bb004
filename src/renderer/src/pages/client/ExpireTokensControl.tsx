import { useState } from 'react';
import { Button, Checkbox, Stack, Text } from '@mantine/core';
import type { ClientDetail } from '../../../../shared/dto';
import { ConfirmModal } from '../../components/ConfirmModal';
import { expireClientTokens } from '../../hooks/mutations';

/** Ends the client's live access tokens now (and optionally its refresh tokens), to test how it recovers. */
export function ExpireTokensControl({ client, onExpired }: { client: ClientDetail; onExpired: () => void }) {
  const [opened, setOpened] = useState(false);
  const [withRefresh, setWithRefresh] = useState(false);
  const label = client.name ?? client.clientId;

  const open = () => {
    setWithRefresh(false);
    setOpened(true);
  };

  return (
    <>
      <Button variant="light" color="orange" onClick={open}>
        Expire access tokens now
      </Button>
      <ConfirmModal
        opened={opened}
        title="Expire tokens now?"
        confirmLabel="Expire tokens"
        color="orange"
        onClose={() => setOpened(false)}
        onConfirm={async () => {
          const result = await expireClientTokens(client.clientId, withRefresh);
          if (result.ok) onExpired();
          return result.ok;
        }}
      >
        <Stack gap="sm">
          <Text size="sm">
            {`The access tokens ${label} holds stop working at once: its next call to /mcp gets 401 invalid_token, and a well-behaved client refreshes. Consents are kept.`}
          </Text>
          <Checkbox
            label="Also expire refresh tokens"
            description="The client then cannot refresh: it must send the user through authorization again."
            checked={withRefresh}
            onChange={(event) => setWithRefresh(event.currentTarget.checked)}
          />
        </Stack>
      </ConfirmModal>
    </>
  );
}
