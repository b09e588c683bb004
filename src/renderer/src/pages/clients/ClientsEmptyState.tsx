import { Code, EmptyState, Group, Paper, Skeleton, Stack, Text } from '@mantine/core';
import { CopyIconButton } from '../../components/CopyIconButton';
import { PlugIcon } from '../../components/icons';
import { ErrorAlert } from '../../components/LoadState';
import { useServerStatus } from '../../hooks/useServerStatus';
import { McpConfigurations } from './McpConfigurations';

/** No client at all: how MCP clients get here (they register themselves at the MCP URL). */
export function ClientsEmptyState() {
  const status = useServerStatus();
  const mcpUrl = status.data?.mcpUrl ?? null;
  return (
    <Paper withBorder radius="md" p="xl">
      <Stack gap="lg">
        <EmptyState align="left" variant="light" icon={<PlugIcon size={22} />}>
          <EmptyState.Title order={2}>No clients yet</EmptyState.Title>
          <EmptyState.Description>
            MCP clients register themselves (Dynamic Client Registration) the first time they are pointed at the MCP
            URL below, and then appear here. Use Create client for a client you set up by hand, such as a
            server-to-server job.
          </EmptyState.Description>
        </EmptyState>
        {status.error && <ErrorAlert error={status.error} onRetry={status.reload} title="Could not load the MCP URL" />}
        {status.loading && !status.data && <Skeleton h={120} />}
        {status.data && mcpUrl === null && (
          <Text size="sm" c="dimmed">
            The server is not running, so there is no MCP URL yet. See the Server page.
          </Text>
        )}
        {mcpUrl !== null && (
          <>
            <Stack gap={4}>
              <Text size="sm" fw={600}>
                MCP URL
              </Text>
              <Group gap="xs" wrap="nowrap">
                <Code block style={{ flex: 1 }}>
                  {mcpUrl}
                </Code>
                <CopyIconButton value={mcpUrl} label="Copy MCP URL" />
              </Group>
            </Stack>
            <McpConfigurations mcpUrl={mcpUrl} />
          </>
        )}
      </Stack>
    </Paper>
  );
}
