import { useEffect, useState } from 'react';
import { Button, Center, EmptyState, Paper, Table, Text, VisuallyHidden } from '@mantine/core';
import type { ActivityList } from '../hooks/useActivity';
import { ActivityRow } from './ActivityRow';
import { ActivityIcon } from './icons';
import { ErrorAlert, PageLoader } from './LoadState';

interface Props {
  activity: ActivityList;
  /** The Client column (off on a client's own page). */
  showClient?: boolean;
  /** Filters are set: an empty list means "nothing matches", not "nothing yet". */
  filtered?: boolean;
  /** What appears here, for the empty state. */
  emptyDescription: string;
}

/** Re-renders every 30 s so that "just now" moves on. */
function useTicker(): void {
  const [, setTick] = useState(0);
  useEffect(() => {
    const timer = window.setInterval(() => setTick((n) => n + 1), 30_000);
    return () => window.clearInterval(timer);
  }, []);
}

/** The activity log, newest first, with expandable details and "Load older". */
export function ActivityFeed({ activity, showClient = true, filtered = false, emptyDescription }: Props) {
  useTicker();
  const { events } = activity;

  if (activity.error && events.length === 0) {
    return <ErrorAlert error={activity.error} onRetry={activity.reload} title="Could not load the activity" />;
  }
  if (activity.loading && events.length === 0) return <PageLoader label="Loading activity" />;
  if (events.length === 0) {
    return filtered ? (
      <Text c="dimmed" ta="center" py="xl">
        No events match these filters.
      </Text>
    ) : (
      <Paper withBorder radius="md" p="xl">
        <EmptyState align="left" variant="light" icon={<ActivityIcon size={22} />}>
          <EmptyState.Title order={2}>No activity yet</EmptyState.Title>
          <EmptyState.Description>{emptyDescription}</EmptyState.Description>
        </EmptyState>
      </Paper>
    );
  }

  return (
    <>
      <Paper withBorder radius="md">
        <Table.ScrollContainer minWidth={showClient ? 900 : 760} type="native">
          <Table verticalSpacing="xs" aria-label="Activity">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>
                  <VisuallyHidden>Details</VisuallyHidden>
                </Table.Th>
                <Table.Th>Time</Table.Th>
                <Table.Th>Type</Table.Th>
                {showClient && <Table.Th>Client</Table.Th>}
                <Table.Th>User</Table.Th>
                <Table.Th>Summary</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {events.map((event) => (
                <ActivityRow key={event.id} event={event} showClient={showClient} />
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Paper>
      <Center>
        {activity.hasOlder ? (
          <Button variant="default" onClick={activity.loadOlder} loading={activity.loadingOlder}>
            Load older
          </Button>
        ) : (
          <Text size="sm" c="dimmed">
            {events.length === 1 ? '1 event' : `${events.length} events`} · nothing older
          </Text>
        )}
      </Center>
    </>
  );
}
