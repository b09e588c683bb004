import { Badge, Button, Group, Table, Text } from '@mantine/core';
import type { User } from '../../../../shared/dto';
import { ActionsHeader } from '../../components/ActionsHeader';

interface Props {
  users: User[];
  onShowConsents: (user: User) => void;
  onToggle: (user: User) => void;
  onDelete: (user: User) => void;
}

export function UsersTable({ users, onShowConsents, onToggle, onDelete }: Props) {
  return (
    <Table.ScrollContainer minWidth={800}>
      <Table striped highlightOnHover verticalSpacing="sm">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Username</Table.Th>
            <Table.Th>Display name</Table.Th>
            <Table.Th>Password</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th ta="right">Consents</Table.Th>
            <ActionsHeader />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {users.map((user) => (
            <Table.Tr key={user.id}>
              <Table.Td>
                <Text size="sm" fw={500}>
                  {user.username}
                </Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{user.displayName}</Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm" c={user.hasPassword ? undefined : 'dimmed'}>
                  {user.hasPassword ? 'Set' : 'None'}
                </Text>
              </Table.Td>
              <Table.Td>
                <Badge variant="light" color={user.disabled ? 'red' : 'green'}>
                  {user.disabled ? 'Disabled' : 'Active'}
                </Badge>
              </Table.Td>
              <Table.Td ta="right">{user.consentCount}</Table.Td>
              <Table.Td>
                <Group gap={4} justify="flex-end" wrap="nowrap">
                  <Button size="xs" variant="subtle" aria-label={`Show consents of ${user.username}`} onClick={() => onShowConsents(user)}>
                    Consents
                  </Button>
                  <Button
                    size="xs"
                    variant="subtle"
                    color={user.disabled ? 'green' : 'orange'}
                    aria-label={`${user.disabled ? 'Enable' : 'Disable'} ${user.username}`}
                    onClick={() => onToggle(user)}
                  >
                    {user.disabled ? 'Enable' : 'Disable'}
                  </Button>
                  <Button size="xs" variant="subtle" color="red" aria-label={`Delete ${user.username}`} onClick={() => onDelete(user)}>
                    Delete
                  </Button>
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
