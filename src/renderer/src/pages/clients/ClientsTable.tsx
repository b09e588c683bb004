import { Anchor, Badge, Table, Text } from '@mantine/core';
import type { ClientSummary } from '../../../../shared/dto';
import { DisabledBadge, RegistrationBadge } from '../../components/ClientBadges';
import { RelativeTime } from '../../components/RelativeTime';
import { FLOW_LABELS } from '../../lib/format';
import { clientHref } from '../../lib/route';

export function ClientsTable({ clients }: { clients: ClientSummary[] }) {
  return (
    <Table.ScrollContainer minWidth={900}>
      <Table striped highlightOnHover verticalSpacing="sm">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Client ID</Table.Th>
            <Table.Th>Registration</Table.Th>
            <Table.Th>Flow</Table.Th>
            <Table.Th>Last used</Table.Th>
            <Table.Th ta="right">Consents</Table.Th>
            <Table.Th ta="right">Tokens</Table.Th>
            <Table.Th>Status</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {clients.map((client) => (
            <Table.Tr key={client.clientId}>
              <Table.Td maw={240}>
                <Anchor href={clientHref(client.clientId)} fw={500} size="sm" style={{ wordBreak: 'break-word' }}>
                  {client.name ?? client.clientId}
                </Anchor>
              </Table.Td>
              <Table.Td maw={220}>
                <Text size="xs" ff="monospace" truncate="end" title={client.clientId}>
                  {client.clientId}
                </Text>
              </Table.Td>
              <Table.Td>
                <RegistrationBadge type={client.registrationType} />
              </Table.Td>
              <Table.Td>
                <Text size="sm">{FLOW_LABELS[client.flow]}</Text>
              </Table.Td>
              <Table.Td>
                <RelativeTime value={client.lastUsedAt} />
              </Table.Td>
              <Table.Td ta="right">{client.consentCount}</Table.Td>
              <Table.Td ta="right">{client.activeTokens}</Table.Td>
              <Table.Td>
                {client.disabled ? (
                  <DisabledBadge />
                ) : (
                  <Badge variant="light" color="green">
                    Active
                  </Badge>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
