import { Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import type { User } from '../../../../shared/dto';
import { ConfirmModal } from '../../components/ConfirmModal';
import { ErrorAlert, PageLoader } from '../../components/LoadState';
import { deleteUser, setUserDisabled } from '../../hooks/mutations';
import { useDialogTarget } from '../../hooks/useDialogTarget';
import { useUsers } from '../../hooks/useUsers';
import { AddUserModal } from './AddUserModal';
import { UserConsentsDrawer } from './UserConsentsDrawer';
import { UsersTable } from './UsersTable';


export function UsersPage() {
  const users = useUsers();
  const [addOpened, addModal] = useDisclosure(false);
  const consentsOf = useDialogTarget<User>();
  const deleting = useDialogTarget<User>();

  // Disabling is reversible (tokens are checked on each request), so no confirmation.
  const toggle = async (user: User) => {
    const result = await setUserDisabled(user.username, !user.disabled);
    if (result.ok) users.reload();
  };

  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={1}>Users</Title>
          <Text c="dimmed" size="sm">
            People who can sign in on the authorization pages and consent for clients.
          </Text>
        </div>
        <Button onClick={addModal.open}>Add user</Button>
      </Group>

      {users.error && <ErrorAlert error={users.error} onRetry={users.reload} title="Could not load the users" />}
      {users.loading && !users.data && <PageLoader label="Loading users" />}
      {users.data && users.data.length === 0 && (
        <Paper withBorder radius="md" p="xl">
          <Text fw={600}>No users yet</Text>
          <Text size="sm" c="dimmed">
            Add a user to sign in on the authorization pages when an MCP client asks for access.
          </Text>
        </Paper>
      )}
      {users.data && users.data.length > 0 && (
        <UsersTable users={users.data} onShowConsents={consentsOf.open} onToggle={toggle} onDelete={deleting.open} />
      )}

      <AddUserModal opened={addOpened} onClose={addModal.close} onAdded={users.reload} />
      <UserConsentsDrawer user={consentsOf.target} opened={consentsOf.opened} onClose={consentsOf.close} onChanged={users.reload} />

      <ConfirmModal
        opened={deleting.opened}
        title="Delete user?"
        confirmLabel="Delete user"
        onClose={deleting.close}
        onConfirm={async () => {
          if (!deleting.target) return;
          const result = await deleteUser(deleting.target.username);
          if (result.ok) users.reload();
        }}
      >
        {`${deleting.target?.username ?? 'The user'} is removed for good. Their consents and tokens are revoked first, so every client acting for them loses access at once.`}
      </ConfirmModal>
    </Stack>
  );
}
