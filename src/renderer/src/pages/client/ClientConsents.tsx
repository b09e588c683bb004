import { useState } from 'react';
import { Badge, Button, Group, Table, Text } from '@mantine/core';
import type { Consent } from '../../../../shared/dto';
import { ConfirmModal } from '../../components/ConfirmModal';
import { ErrorAlert, PageLoader } from '../../components/LoadState';
import { RelativeTime } from '../../components/RelativeTime';
import { revokeAllConsents, revokeConsent } from '../../hooks/mutations';
import { useConsents } from '../../hooks/useConsents';
import { useDialogTarget } from '../../hooks/useDialogTarget';
import { formatDate } from '../../lib/format';
import { ActionsHeader } from '../../components/ActionsHeader';

/** The users who consented to a client, with Revoke and Revoke all. */
export function ClientConsents({ clientId, onChanged }: { clientId: string; onChanged: () => void }) {
  const consents = useConsents({ clientId });
  const revoking = useDialogTarget<Consent>();
  const [revokingAll, setRevokingAll] = useState(false);
  const list = consents.data ?? [];

  const changed = () => {
    consents.reload();
    onChanged();
  };

  if (consents.error && !consents.data) {
    return <ErrorAlert error={consents.error} onRetry={consents.reload} title="Could not load the consents" />;
  }
  if (!consents.data) return <PageLoader label="Loading consents" />;

  return (
    <>
      {list.length === 0 ? (
        <Text c="dimmed" ta="center" py="xl">
          No user has consented to this client yet.
        </Text>
      ) : (
        <>
          <Group justify="space-between" mb="sm">
            <Text size="sm" c="dimmed">
              {list.length === 1 ? '1 user has' : `${list.length} users have`} given this client access.
            </Text>
            <Button variant="light" color="red" size="xs" onClick={() => setRevokingAll(true)}>
              Revoke all
            </Button>
          </Group>
          <Table striped verticalSpacing="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>User</Table.Th>
                <Table.Th>Scopes</Table.Th>
                <Table.Th>Granted</Table.Th>
                <Table.Th>Last used</Table.Th>
                <Table.Th ta="right">Tokens</Table.Th>
                <ActionsHeader />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.map((consent) => (
                <Table.Tr key={consent.grantId}>
                  <Table.Td>
                    <Text size="sm" fw={500}>
                      {consent.username}
                    </Text>
                    {consent.displayName && consent.displayName !== consent.username && (
                      <Text size="xs" c="dimmed">
                        {consent.displayName}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      {consent.scopes.map((scope) => (
                        <Badge key={scope} variant="light" color="gray" tt="none">
                          {scope}
                        </Badge>
                      ))}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{formatDate(consent.grantedAt)}</Text>
                  </Table.Td>
                  <Table.Td>
                    <RelativeTime value={consent.lastUsedAt} />
                  </Table.Td>
                  <Table.Td ta="right">{consent.activeTokens}</Table.Td>
                  <Table.Td ta="right">
                    <Button
                      size="xs"
                      variant="subtle"
                      color="red"
                      aria-label={`Revoke consent of ${consent.username}`}
                      onClick={() => revoking.open(consent)}
                    >
                      Revoke
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </>
      )}

      <ConfirmModal
        opened={revoking.opened}
        title="Revoke access?"
        confirmLabel="Revoke access"
        onClose={revoking.close}
        onConfirm={async () => {
          if (!revoking.target) return;
          const result = await revokeConsent(clientId, revoking.target.username);
          if (result.ok) changed();
        }}
      >
        {`The tokens ${revoking.target?.username ?? 'this user'} holds for this client stop working at once, and they must consent again the next time the client asks for access.`}
      </ConfirmModal>

      <ConfirmModal
        opened={revokingAll}
        title="Revoke all consents?"
        confirmLabel="Revoke all consents"
        onClose={() => setRevokingAll(false)}
        onConfirm={async () => {
          const result = await revokeAllConsents(clientId);
          if (result.ok) changed();
        }}
      >
        {`Every user's tokens for this client stop working at once, and each user must consent again the next time the client asks for access.`}
      </ConfirmModal>
    </>
  );
}
