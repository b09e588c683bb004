import { useState } from 'react';
import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import type { ClientCredentials, ClientDetail } from '../../../../shared/dto';
import { SecretReveal } from '../../components/SecretReveal';
import { useBusy } from '../../hooks/useBusy';
import { rotateClientSecret } from '../../hooks/mutations';

/** Confirms the rotation, then shows the new secret once. */
export function RotateSecretModal({ client, opened, onClose }: { client: ClientDetail; opened: boolean; onClose: () => void }) {
  const [rotated, setRotated] = useState<ClientCredentials | undefined>(undefined);
  const [busy, run] = useBusy();

  const close = () => {
    setRotated(undefined);
    onClose();
  };
  const rotate = () =>
    run(async () => {
      const result = await rotateClientSecret(client.clientId);
      if (result.ok) setRotated(result.value);
    });

  return (
    <Modal
      opened={opened}
      onClose={close}
      title={rotated ? 'Secret rotated' : 'Rotate secret?'}
      size={rotated ? 'lg' : 'md'}
      centered
      closeOnClickOutside={!rotated}
    >
      {rotated ? (
        <SecretReveal credentials={rotated} onDone={close} />
      ) : (
        <Stack>
          <Text size="sm">
            A new secret is created for {client.name ?? client.clientId} and the old secret stops working at once: the
            client cannot get new tokens until it is configured with the new secret.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={close} data-autofocus>
              Cancel
            </Button>
            <Button color="orange" onClick={rotate} loading={busy}>
              Rotate secret
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
