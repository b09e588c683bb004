import { useMemo, useState } from 'react';
import { Button, Group, Stack, Text, Title } from '@mantine/core';
import { useDebouncedValue, useDisclosure } from '@mantine/hooks';
import { ActivityFeed } from '../../components/ActivityFeed';
import { LiveBadge } from '../../components/LiveBadge';
import { exportActivity } from '../../hooks/exportActivity';
import { useActivity } from '../../hooks/useActivity';
import { useBusy } from '../../hooks/useBusy';
import type { ActivityFilter } from '../../lib/activity';
import { ActivityFilters, NO_FILTERS, type FilterValues } from './ActivityFilters';
import { TokenInspectorModal } from './TokenInspectorModal';

export const ACTIVITY_DESCRIPTION =
  'Client registrations, authorization requests, sign-ins, consents, token requests and refreshes, calls to the MCP endpoint and admin changes appear here as they happen, failures with the error the client got and why.';

function toFilter(values: FilterValues, username: string): ActivityFilter {
  const filter: ActivityFilter = {};
  if (values.clientId !== 'all') filter.clientId = values.clientId;
  if (username) filter.username = username;
  if (values.type !== 'all') filter.type = values.type;
  if (values.outcome !== 'all') filter.outcome = values.outcome;
  return filter;
}

export function ActivityPage() {
  const [values, setValues] = useState<FilterValues>(NO_FILTERS);
  const [username] = useDebouncedValue(values.username.trim(), 300);
  const filter = useMemo(() => toFilter(values, username), [values, username]);
  const activity = useActivity(filter);
  const [exporting, runExport] = useBusy();
  const [inspectorOpened, inspector] = useDisclosure(false);

  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-end" wrap="nowrap">
        <div>
          <Group gap="sm" align="center">
            <Title order={1}>Activity</Title>
            <LiveBadge state={activity.stream} />
          </Group>
          <Text c="dimmed" size="sm">
            What clients, users and admins did, newest first. Failures show the error the client got and why.
          </Text>
        </div>
        <Group gap="xs" wrap="nowrap">
          <Button variant="default" onClick={inspector.open}>
            Inspect a token
          </Button>
          <Button variant="default" loading={exporting} onClick={() => void runExport(() => exportActivity(filter))}>
            Export JSON Lines
          </Button>
        </Group>
      </Group>

      <ActivityFilters value={values} onChange={setValues} />

      <ActivityFeed activity={activity} filtered={Object.keys(filter).length > 0} emptyDescription={ACTIVITY_DESCRIPTION} />

      <TokenInspectorModal opened={inspectorOpened} onClose={inspector.close} />
    </Stack>
  );
}
