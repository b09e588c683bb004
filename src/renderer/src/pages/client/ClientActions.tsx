import { useState } from 'react';
import { Button, Group } from '@mantine/core';
import type { ClientDetail } from '../../../../shared/dto';
import { ConfirmModal } from '../../components/ConfirmModal';
import { useBusy } from '../../hooks/useBusy';
import { deleteClient, setClientDisabled } from '../../hooks/mutations';
import { navigate } from '../../lib/route';
import { EditClientModal } from './EditClientModal';
import { RotateSecretModal } from './RotateSecretModal';

type Dialog = 'edit' | 'rotate' | 'disable' | 'delete' | null;

/** Edit, Rotate secret (confidential clients; a metadata-document client never has a secret), Disable/Enable and Delete. */
export function ClientActions({ client, onChanged }: { client: ClientDetail; onChanged: () => void }) {
  const [dialog, setDialog] = useState<Dialog>(null);
  const [enabling, runEnable] = useBusy();
  const close = () => setDialog(null);
  const label = client.name ?? client.clientId;

  const enable = () =>
    runEnable(async () => {
      const result = await setClientDisabled(client.clientId, false);
      if (result.ok) onChanged();
    });

  return (
    <>
      <Group gap="xs" wrap="nowrap">
        <Button variant="default" onClick={() => setDialog('edit')}>
          Edit
        </Button>
        {!client.isPublic && client.registrationType !== 'metadata_document' && (
          <Button variant="default" onClick={() => setDialog('rotate')}>
            Rotate secret
          </Button>
        )}
        {client.disabled ? (
          <Button variant="default" onClick={enable} loading={enabling}>
            Enable
          </Button>
        ) : (
          <Button variant="default" color="orange" onClick={() => setDialog('disable')}>
            Disable
          </Button>
        )}
        <Button variant="light" color="red" onClick={() => setDialog('delete')}>
          Delete
        </Button>
      </Group>

      <EditClientModal client={client} opened={dialog === 'edit'} onClose={close} onSaved={onChanged} />
      <RotateSecretModal client={client} opened={dialog === 'rotate'} onClose={close} />

      <ConfirmModal
        opened={dialog === 'disable'}
        title="Disable client?"
        confirmLabel="Disable client"
        color="orange"
        onClose={close}
        onConfirm={async () => {
          const result = await setClientDisabled(client.clientId, true);
          if (result.ok) onChanged();
        }}
      >
        {`While disabled, ${label} can neither authorize nor get tokens, and the tokens it holds stop working. Consents are kept; enable it again at any time.`}
      </ConfirmModal>

      <ConfirmModal
        opened={dialog === 'delete'}
        title="Delete client?"
        confirmLabel="Delete client"
        onClose={close}
        onConfirm={async () => {
          const result = await deleteClient(client.clientId);
          if (result.ok) navigate('#/clients');
          return result.ok;
        }}
      >
        {`${label} is removed for good. Its consents and tokens are revoked first, so every app session using it ends at once. This cannot be undone.`}
      </ConfirmModal>
    </>
  );
}
