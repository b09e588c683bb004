import { Badge } from '@mantine/core';
import type { StreamState } from '../api';

const LABELS: Record<StreamState, { label: string; color: string; title: string }> = {
  live: { label: 'Live', color: 'green', title: 'New activity appears as it happens.' },
  connecting: { label: 'Connecting…', color: 'gray', title: 'Connecting to the live activity stream.' },
  reconnecting: { label: 'Reconnecting…', color: 'yellow', title: 'The live stream dropped; retrying. Missed events are fetched on reconnection.' },
};

/** Whether live activity is arriving. */
export function LiveBadge({ state }: { state: StreamState }) {
  const { label, color, title } = LABELS[state];
  return (
    <Badge role="status" variant="dot" color={color} size="lg" tt="none" title={title}>
      {label}
    </Badge>
  );
}
