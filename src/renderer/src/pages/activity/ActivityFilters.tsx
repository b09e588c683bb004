import { Group, Input, SegmentedControl, Select, Stack, TextInput } from '@mantine/core';
import type { EventOutcome } from '../../../../shared/events';
import { useClientChoices } from '../../hooks/useClients';
import { TYPE_OPTIONS } from '../../lib/activity';

export interface FilterValues {
  clientId: string;
  username: string;
  type: string;
  outcome: 'all' | EventOutcome;
}

export const NO_FILTERS: FilterValues = { clientId: 'all', username: '', type: 'all', outcome: 'all' };

const OUTCOME_OPTIONS = [
  { value: 'all', label: 'All' },
  { value: 'success', label: 'Success' },
  { value: 'failure', label: 'Failure' },
  { value: 'info', label: 'Info' },
];

/** Client, User, Type and Outcome. */
export function ActivityFilters({ value, onChange }: { value: FilterValues; onChange: (next: FilterValues) => void }) {
  const clients = useClientChoices();
  const set = (patch: Partial<FilterValues>) => onChange({ ...value, ...patch });
  const clientOptions = [
    { value: 'all', label: 'All clients' },
    ...(clients.data?.clients ?? []).map((client) => ({
      value: client.clientId,
      label: client.name ? `${client.name} · ${client.clientId.slice(0, 8)}` : client.clientId,
    })),
  ];

  return (
    <Group align="flex-end" gap="md">
      <Select
        label="Client"
        data={clientOptions}
        value={value.clientId}
        onChange={(clientId) => set({ clientId: clientId ?? 'all' })}
        allowDeselect={false}
        searchable
        nothingFoundMessage="No such client"
        w={260}
        error={clients.error ? `Could not load the clients: ${clients.error.message}` : undefined}
      />
      <TextInput
        label="User"
        placeholder="Exact username"
        value={value.username}
        onChange={(event) => set({ username: event.currentTarget.value })}
        w={180}
        autoComplete="off"
      />
      <Select
        label="Type"
        data={TYPE_OPTIONS}
        value={value.type}
        onChange={(type) => set({ type: type ?? 'all' })}
        allowDeselect={false}
        searchable
        maxDropdownHeight={360}
        w={240}
      />
      <Stack gap={2}>
        <Input.Label labelElement="div" id="outcome-filter-label">
          Outcome
        </Input.Label>
        <SegmentedControl
          aria-labelledby="outcome-filter-label"
          // As on the Clients page: each (0×0) radio gets a clickable strip along the top of its segment.
          styles={{ input: { top: 0, left: 0, width: '100%', height: 6, margin: 0, zIndex: 3, cursor: 'pointer' } }}
          data={OUTCOME_OPTIONS}
          value={value.outcome}
          onChange={(outcome) => set({ outcome: outcome as FilterValues['outcome'] })}
        />
      </Stack>
    </Group>
  );
}
