import { useMemo } from 'react';
import { Group, Stack, Text } from '@mantine/core';
import { ActivityFeed } from '../../components/ActivityFeed';
import { LiveBadge } from '../../components/LiveBadge';
import { useActivity } from '../../hooks/useActivity';

/** The activity log of one client, live. */
export function ClientActivity({ clientId }: { clientId: string }) {
  const filter = useMemo(() => ({ clientId }), [clientId]);
  const activity = useActivity(filter);
  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          What this client did and what happened to it, newest first.
        </Text>
        <LiveBadge state={activity.stream} />
      </Group>
      <ActivityFeed
        activity={activity}
        showClient={false}
        emptyDescription="Its registration, authorization requests, sign-ins and consents, token requests and calls to the MCP endpoint appear here as they happen."
      />
    </Stack>
  );
}
