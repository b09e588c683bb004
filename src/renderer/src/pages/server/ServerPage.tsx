import { useEffect, useState } from 'react';
import { Badge, Code, DataList, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import type { ServerStatus } from '../../../../shared/dto';
import { CopyIconButton } from '../../components/CopyIconButton';
import { ErrorAlert, PageLoader } from '../../components/LoadState';
import { useServerStatus } from '../../hooks/useServerStatus';
import { canRestart } from '../../components/ServerBanners';
import { formatUptime } from '../../lib/format';
import { BackupsSection } from './BackupsSection';
import { PortRestartForm } from './PortRestartForm';

function Item({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <DataList.Item>
      <DataList.ItemLabel>{label}</DataList.ItemLabel>
      <DataList.ItemValue>{children}</DataList.ItemValue>
    </DataList.Item>
  );
}

function Path({ value }: { value: string | null }) {
  if (value === null) return <Text span size="sm" c="dimmed">Not running</Text>;
  return <Code style={{ wordBreak: 'break-all' }}>{value}</Code>;
}

/** Counts on from the loaded uptime, refreshed every 15 seconds. */
function Uptime({ status }: { status: ServerStatus }) {
  const [loadedAt] = useState(() => Date.now());
  const [now, setNow] = useState(loadedAt);
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 15_000);
    return () => window.clearInterval(timer);
  }, []);
  if (status.uptimeSeconds === null) return <>—</>;
  return <>{formatUptime(status.uptimeSeconds + (now - loadedAt) / 1000)}</>;
}

function Count({ label, value }: { label: string; value: number }) {
  return (
    <Paper withBorder radius="md" p="md">
      <Text size="xs" c="dimmed" tt="uppercase" fw={700}>
        {label}
      </Text>
      <Text fz={28} fw={700}>
        {value}
      </Text>
    </Paper>
  );
}

function Details({ status }: { status: ServerStatus }) {
  return (
    <Paper withBorder radius="md" p="lg">
      <DataList withDivider labelWidth={160}>
        <Item label="State">
          <Badge variant="light" color={status.state === 'running' ? 'green' : 'red'}>
            {status.state === 'running' ? 'Running' : 'Stopped'}
          </Badge>
        </Item>
        <Item label="Issuer">
          <Path value={status.issuer} />
        </Item>
        <Item label="MCP URL">
          <Group gap="xs" wrap="nowrap">
            <Path value={status.mcpUrl} />
            {status.mcpUrl && <CopyIconButton value={status.mcpUrl} label="Copy MCP URL" />}
          </Group>
        </Item>
        <Item label="Port">{status.port ?? '—'}</Item>
        <Item label="Data folder">
          <Path value={status.dataDir} />
        </Item>
        <Item label="Database file">
          <Path value={status.databaseFile} />
        </Item>
        <Item label="Uptime">
          <Uptime status={status} />
        </Item>
        <Item label="Version">{status.version}</Item>
        <Item label="Transport">{status.transport === 'ipc' ? 'Desktop app' : 'Browser'}</Item>
        {status.autoApproveUser && (
          <Item label="Auto-approve">
            <Text span size="sm" c="orange" fw={600}>
              On: every authorization is signed in as {status.autoApproveUser} and allowed without asking
            </Text>
          </Item>
        )}
      </DataList>
    </Paper>
  );
}

export function ServerPage() {
  const status = useServerStatus();
  return (
    <Stack gap="lg">
      <div>
        <Title order={1}>Server</Title>
        <Text c="dimmed" size="sm">
          The authorization server and the MCP endpoint it protects.
        </Text>
      </div>
      {status.error && <ErrorAlert error={status.error} onRetry={status.reload} title="Could not load the server status" />}
      {status.loading && !status.data && <PageLoader label="Loading server status" />}
      {status.data && (
        <>
          {/* Why it stopped is in the banner at the top of every page. */}
          {status.data.state === 'stopped' && canRestart(status.data) && <PortRestartForm status={status.data} />}
          <SimpleGrid cols={3}>
            <Count label="Clients" value={status.data.counts.clients} />
            <Count label="Users" value={status.data.counts.users} />
            <Count label="Consents" value={status.data.counts.consents} />
          </SimpleGrid>
          <Details status={status.data} />
          <BackupsSection />
        </>
      )}
    </Stack>
  );
}
