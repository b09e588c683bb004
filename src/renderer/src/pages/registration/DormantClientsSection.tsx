import { useEffect, useState } from 'react';
import { Alert, Anchor, Button, Checkbox, Group, NumberInput, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { ConfirmModal } from '../../components/ConfirmModal';
import { RelativeTime } from '../../components/RelativeTime';
import { removeDormantClients } from '../../hooks/mutations';
import { useDormantClients } from '../../hooks/useDormantClients';
import { formatDate } from '../../lib/format';
import { clientHref } from '../../lib/route';

const DEFAULT_DAYS = 30;

/** Self-registered clients nobody has used for a while, found on demand and removed after confirmation. */
export function DormantClientsSection() {
  const [days, setDays] = useState<number | ''>(DEFAULT_DAYS);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [confirming, setConfirming] = useState(false);
  const search = useDormantClients();
  const found = search.clients;

  // A new search starts with nothing selected.
  useEffect(() => setSelected(new Set()), [found]);

  const validDays = typeof days === 'number' && days >= 1 && days <= 3650;
  const find = (event: React.FormEvent) => {
    event.preventDefault();
    if (validDays) void search.find(days);
  };

  const all = found !== undefined && found.length > 0 && selected.size === found.length;
  const some = selected.size > 0 && !all;
  const toggleAll = () => setSelected(all ? new Set() : new Set(found?.map((client) => client.clientId)));
  const toggle = (clientId: string) =>
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(clientId)) next.delete(clientId);
      else next.add(clientId);
      return next;
    });

  return (
    <Paper withBorder radius="md" p="lg" component="section" aria-labelledby="dormant-title">
      <Stack gap="md">
        <div>
          <Title order={2} size="h4" id="dormant-title">
            Dormant clients
          </Title>
          <Text size="sm" c="dimmed">
            Self-registered clients that got no access token for a while (or never did). A client with a live token or a
            consent is never listed, so removing these ends nobody's session; one that comes back simply registers again.
          </Text>
        </div>
        <form onSubmit={find} noValidate>
          <Group align="flex-end" gap="sm">
            <NumberInput
              label="Unused for at least (days)"
              min={1}
              max={3650}
              clampBehavior="none"
              allowDecimal={false}
              allowNegative={false}
              value={days}
              onChange={(value) => setDays(typeof value === 'number' ? value : '')}
              error={validDays ? undefined : 'From 1 to 3650 days.'}
              w={220}
            />
            <Button type="submit" variant="default" loading={search.busy} disabled={!validDays}>
              Find dormant clients
            </Button>
          </Group>
        </form>

        {search.error && (
          <Alert color="red" title="Could not find the dormant clients" role="alert">
            {search.error.message}
          </Alert>
        )}
        {found && found.length === 0 && (
          <Text c="dimmed" ta="center" py="md">
            No self-registered client has been unused for {search.days} days.
          </Text>
        )}
        {found && found.length > 0 && (
          <>
            <Group justify="space-between">
              <Text size="sm">
                {found.length === 1 ? '1 client' : `${found.length} clients`} unused for {search.days} days or more
                {selected.size > 0 && `, ${selected.size} selected`}.
              </Text>
              <Button color="red" variant="light" disabled={selected.size === 0} onClick={() => setConfirming(true)}>
                Remove selected
              </Button>
            </Group>
            <Table.ScrollContainer minWidth={700} type="native">
              <Table verticalSpacing="xs" aria-label="Dormant clients">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th w={40}>
                      <Checkbox aria-label="Select all dormant clients" checked={all} indeterminate={some} onChange={toggleAll} />
                    </Table.Th>
                    <Table.Th>Name</Table.Th>
                    <Table.Th>Client ID</Table.Th>
                    <Table.Th>Created</Table.Th>
                    <Table.Th>Last used</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {found.map((client) => (
                    <Table.Tr key={client.clientId} bg={selected.has(client.clientId) ? 'var(--mantine-primary-color-light)' : undefined}>
                      <Table.Td>
                        <Checkbox
                          aria-label={`Select ${client.name ?? client.clientId}`}
                          checked={selected.has(client.clientId)}
                          onChange={() => toggle(client.clientId)}
                        />
                      </Table.Td>
                      <Table.Td maw={240}>
                        <Anchor href={clientHref(client.clientId)} size="sm" style={{ wordBreak: 'break-word' }}>
                          {client.name ?? 'Unnamed'}
                        </Anchor>
                      </Table.Td>
                      <Table.Td maw={260}>
                        <Text size="xs" ff="monospace" truncate="end" title={client.clientId}>
                          {client.clientId}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{formatDate(client.createdAt)}</Text>
                      </Table.Td>
                      <Table.Td>
                        <RelativeTime value={client.lastUsedAt} />
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </>
        )}
      </Stack>

      <ConfirmModal
        opened={confirming}
        title="Remove dormant clients?"
        confirmLabel="Remove clients"
        onClose={() => setConfirming(false)}
        onConfirm={async () => {
          if (search.days === undefined) return;
          const result = await removeDormantClients(search.days, [...selected]);
          if (result.ok) await search.find(search.days);
        }}
      >
        {`${selected.size === 1 ? 'The selected client is' : `The ${selected.size} selected clients are`} removed for good. Only clients still dormant are removed: one that got a token or a consent meanwhile is kept.`}
      </ConfirmModal>
    </Paper>
  );
}
