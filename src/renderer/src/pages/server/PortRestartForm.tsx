import { useState } from 'react';
import { Button, Group, NumberInput, Paper, Stack, Text, Title } from '@mantine/core';
import type { ServerStatus } from '../../../../shared/dto';
import { useBusy } from '../../hooks/useBusy';
import { restartServer } from '../../hooks/mutations';

/** Desktop app, server stopped (e.g. its port is taken): start it on another port. */
export function PortRestartForm({ status }: { status: ServerStatus }) {
  const [port, setPort] = useState<number | ''>(status.suggestedPort ?? status.port ?? '');
  const [busy, run] = useBusy();
  const invalid = port !== '' && (port < 1024 || port > 65535);

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    if (port === '' || invalid) return;
    void run(() => restartServer(port));
  };

  return (
    <Paper withBorder radius="md" p="lg" component="section" aria-labelledby="port-restart-title">
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <div>
            <Title order={2} size="h4" id="port-restart-title">
              Start on another port
            </Title>
            <Text size="sm" c="dimmed">
              The port is remembered. MCP clients configured with the old URL must be given the new one.
            </Text>
          </div>
          <Group align="flex-start">
            <NumberInput
              label="Port"
              description={status.suggestedPort !== null ? `Port ${status.suggestedPort} is free.` : 'From 1024 to 65535.'}
              min={1024}
              max={65535}
              clampBehavior="none"
              allowDecimal={false}
              allowNegative={false}
              value={port}
              onChange={(value) => setPort(typeof value === 'number' ? value : '')}
              error={invalid ? 'Use a port from 1024 to 65535.' : undefined}
              w={200}
            />
            <Button type="submit" mt={44} loading={busy} disabled={port === ''}>
              Start on this port
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
