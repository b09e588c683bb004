import { useEffect, useState } from 'react';
import { Button, Group, Input, Pagination, SegmentedControl, Stack, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue, useDisclosure } from '@mantine/hooks';
import type { RegistrationType } from '../../../../shared/dto';
import { ErrorAlert, PageLoader } from '../../components/LoadState';
import { useClients } from '../../hooks/useClients';
import { ClientsEmptyState } from './ClientsEmptyState';
import { ClientsTable } from './ClientsTable';
import { CreateClientModal } from './CreateClientModal';

const PAGE_SIZE = 50;

type RegistrationFilter = 'all' | RegistrationType;

const REGISTRATION_OPTIONS: { value: RegistrationFilter; label: string }[] = [
  { value: 'all', label: 'All' },
  { value: 'dynamic', label: 'Dynamic' },
  { value: 'manual', label: 'Manual' },
  { value: 'metadata_document', label: 'Metadata URL' },
];

export function ClientsPage() {
  const [search, setSearch] = useState('');
  const [debouncedSearch] = useDebouncedValue(search.trim(), 250);
  const [registration, setRegistration] = useState<RegistrationFilter>('all');
  const [page, setPage] = useState(1);
  const [createOpened, createModal] = useDisclosure(false);

  useEffect(() => setPage(1), [debouncedSearch, registration]);

  const clients = useClients({
    search: debouncedSearch || undefined,
    registrationType: registration,
    limit: PAGE_SIZE,
    offset: (page - 1) * PAGE_SIZE,
  });
  const filtered = debouncedSearch !== '' || registration !== 'all';
  const total = clients.data?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));

  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={1}>Clients</Title>
          <Text c="dimmed" size="sm">
            Applications allowed to ask for access to the MCP endpoint.
          </Text>
        </div>
        <Button onClick={createModal.open}>Create client</Button>
      </Group>

      <Group align="flex-end" gap="md">
        <TextInput
          label="Search clients"
          placeholder="Name or client ID"
          value={search}
          onChange={(event) => setSearch(event.currentTarget.value)}
          w={320}
        />
        <Stack gap={2}>
          <Input.Label labelElement="div" id="registration-filter-label">
            Registration
          </Input.Label>
          <SegmentedControl
            aria-labelledby="registration-filter-label"
            // Mantine's radios are 0×0; give each an invisible strip along the top of its segment so the
            // radio itself can be clicked or checked (by tools too), while the label text stays clickable.
            styles={{ input: { top: 0, left: 0, width: '100%', height: 6, margin: 0, zIndex: 3, cursor: 'pointer' } }}
            data={REGISTRATION_OPTIONS}
            value={registration}
            onChange={(value) => setRegistration(value as RegistrationFilter)}
          />
        </Stack>
      </Group>

      {clients.error && <ErrorAlert error={clients.error} onRetry={clients.reload} title="Could not load the clients" />}
      {clients.loading && !clients.data && <PageLoader label="Loading clients" />}
      {clients.data && total === 0 && !filtered && page === 1 && <ClientsEmptyState />}
      {clients.data && total === 0 && filtered && (
        <Text c="dimmed" ta="center" py="xl">
          No clients match these filters.
        </Text>
      )}
      {clients.data && clients.data.clients.length > 0 && (
        <>
          <ClientsTable clients={clients.data.clients} />
          <Group justify="space-between">
            <Text size="sm" c="dimmed">
              {total === 1 ? '1 client' : `${total} clients`}
            </Text>
            {pages > 1 && <Pagination total={pages} value={page} onChange={setPage} aria-label="Client pages" />}
          </Group>
        </>
      )}

      <CreateClientModal opened={createOpened} onClose={createModal.close} onCreated={clients.reload} />
    </Stack>
  );
}
