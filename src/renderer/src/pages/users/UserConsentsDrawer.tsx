import { Badge, Button, Drawer, Group, Paper, Stack, Text } from '@mantine/core';
import type { Consent, User } from '../../../../shared/dto';
import { ConfirmModal } from '../../components/ConfirmModal';
import { ErrorAlert, PageLoader } from '../../components/LoadState';
import { RelativeTime } from '../../components/RelativeTime';
import { revokeConsent } from '../../hooks/mutations';
import { useConsents } from '../../hooks/useConsents';
import { useDialogTarget } from '../../hooks/useDialogTarget';
import { formatDate } from '../../lib/format';

function ConsentList({ username, onChanged }: { username: string; onChanged: () => void }) {
  const consents = useConsents({ username });
  const revoking = useDialogTarget<Consent>();

  if (consents.error && !consents.data) {
    return <ErrorAlert error={consents.error} onRetry={consents.reload} title="Could not load the consents" />;
  }
  if (!consents.data) return <PageLoader label="Loading consents" />;
  if (consents.data.length === 0) {
    return <Text c="dimmed">{username} has not consented to any client.</Text>;
  }
  return (
    <Stack gap="sm">
      {consents.data.map((consent) => {
        const clientName = consent.clientName ?? consent.clientId;
        return (
          <Paper key={consent.grantId} withBorder radius="md" p="sm">
            <Group justify="space-between" align="flex-start" wrap="nowrap">
              <Stack gap={4} style={{ minWidth: 0 }}>
                <Text fw={600} size="sm" style={{ wordBreak: 'break-word' }}>
                  {clientName}
                </Text>
                <Group gap={4}>
                  {consent.scopes.map((scope) => (
                    <Badge key={scope} size="sm" variant="light" color="gray" tt="none">
                      {scope}
                    </Badge>
                  ))}
                </Group>
                <Text size="xs" c="dimmed">
                  Granted {formatDate(consent.grantedAt)} · Last used <RelativeTime size="xs" value={consent.lastUsedAt} />
                </Text>
              </Stack>
              <Button size="xs" variant="light" color="red" aria-label={`Revoke ${clientName} for ${username}`} onClick={() => revoking.open(consent)}>
                Revoke
              </Button>
            </Group>
          </Paper>
        );
      })}
      <ConfirmModal
        opened={revoking.opened}
        title="Revoke access?"
        confirmLabel="Revoke access"
        onClose={revoking.close}
        onConfirm={async () => {
          if (!revoking.target) return;
          const result = await revokeConsent(revoking.target.clientId, username);
          if (result.ok) {
            consents.reload();
            onChanged();
          }
        }}
      >
        {`The tokens ${username} holds for ${revoking.target?.clientName ?? revoking.target?.clientId ?? 'this client'} stop working at once, and they must consent again the next time the client asks for access.`}
      </ConfirmModal>
    </Stack>
  );
}

/** The consents of one user, each with Revoke. */
interface Props {
  user: User | null;
  opened: boolean;
  onClose: () => void;
  onChanged: () => void;
}

export function UserConsentsDrawer({ user, opened, onClose, onChanged }: Props) {
  return (
    <Drawer opened={opened && user !== null} onClose={onClose} position="right" size="md" title={user ? `Consents of ${user.username}` : 'Consents'}>
      {user && <ConsentList username={user.username} onChanged={onChanged} />}
    </Drawer>
  );
}
