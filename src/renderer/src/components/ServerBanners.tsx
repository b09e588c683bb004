import { useEffect, useRef } from 'react';
import { Alert, Button, Code, Group, Stack, Text } from '@mantine/core';
import type { ServerStatus } from '../../../shared/dto';
import { useBusy } from '../hooks/useBusy';
import { restartServer } from '../hooks/mutations';
import { useStreamState } from '../hooks/useLiveActivity';
import { useServerStatus } from '../hooks/useServerStatus';

/** Desktop app only: the server can be started on another port from here (the browser's server is the one serving this page). */
export const canRestart = (status: ServerStatus) => status.transport === 'ipc';

function AutoApproveBanner({ user }: { user: string }) {
  return (
    <Alert color="orange" variant="light" style={{ borderLeft: '4px solid var(--mantine-color-orange-filled)' }}>
      <Text size="sm">
        <strong>Auto-approve is on:</strong> every authorization is signed in as <strong>{user}</strong> and allowed
        without asking. Started with <Code>--auto-approve</Code>; restart without it for normal use.
      </Text>
    </Alert>
  );
}

function StoppedBanner({ status }: { status: ServerStatus }) {
  const [busy, run] = useBusy();
  const port = status.suggestedPort;
  return (
    <Alert color="red" title="The server is not running">
      <Group justify="space-between" wrap="nowrap" align="center">
        <Text size="sm">{status.problem ?? 'No reason was given.'}</Text>
        {port !== null && canRestart(status) && (
          <Button color="red" size="xs" loading={busy} onClick={() => void run(() => restartServer(port))} style={{ flexShrink: 0 }}>
            Use port {port}
          </Button>
        )}
      </Group>
    </Alert>
  );
}

/** Warnings that hold on every page: auto-approve mode, a server that is not running. */
export function ServerBanners() {
  const { data: status, reload } = useServerStatus();
  // The live stream came back after a drop: the server may have restarted with other options.
  const stream = useStreamState();
  const previous = useRef(stream);
  useEffect(() => {
    if (previous.current === 'reconnecting' && stream === 'live') reload();
    previous.current = stream;
  }, [stream, reload]);
  if (!status) return null;
  const stopped = status.state === 'stopped';
  if (!status.autoApproveUser && !stopped) return null;
  return (
    <Stack gap="sm" mb="lg">
      {status.autoApproveUser && <AutoApproveBanner user={status.autoApproveUser} />}
      {stopped && <StoppedBanner status={status} />}
    </Stack>
  );
}
