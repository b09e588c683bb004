import { Code, Group, Stack, Text } from '@mantine/core';
import { CopyIconButton } from '../../components/CopyIconButton';

interface Configuration {
  name: string;
  hint: string;
  text: string;
}

function configurations(mcpUrl: string): Configuration[] {
  return [
    { name: 'Claude Code', hint: 'Run in a terminal:', text: `claude mcp add --transport http auth-desk ${mcpUrl}` },
    {
      name: 'VS Code',
      hint: 'In .vscode/mcp.json:',
      text: JSON.stringify({ servers: { 'auth-desk': { type: 'http', url: mcpUrl } } }),
    },
    { name: 'Cursor', hint: 'In .cursor/mcp.json:', text: JSON.stringify({ mcpServers: { 'auth-desk': { url: mcpUrl } } }) },
    {
      name: 'Claude Desktop',
      hint: 'Through mcp-remote, in claude_desktop_config.json:',
      text: JSON.stringify({ mcpServers: { 'auth-desk': { command: 'npx', args: ['-y', 'mcp-remote', mcpUrl] } } }),
    },
    {
      name: 'MCP Inspector',
      hint: 'Run it, then choose Streamable HTTP and enter the MCP URL:',
      text: `npx @modelcontextprotocol/inspector\n# URL: ${mcpUrl}`,
    },
  ];
}

/** Ready-made client configurations pointing at the MCP URL, each with a Copy button. */
export function McpConfigurations({ mcpUrl }: { mcpUrl: string }) {
  return (
    <Stack gap="sm">
      {configurations(mcpUrl).map((config) => (
        <Stack key={config.name} gap={4}>
          <Group gap="xs" justify="space-between" wrap="nowrap">
            <Text size="sm">
              <Text span fw={600}>
                {config.name}
              </Text>{' '}
              <Text span c="dimmed" size="sm">
                {config.hint}
              </Text>
            </Text>
          </Group>
          <Group gap="xs" wrap="nowrap" align="center">
            <Code block style={{ flex: 1, whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
              {config.text}
            </Code>
            <CopyIconButton value={config.text} label={`Copy ${config.name} configuration`} />
          </Group>
        </Stack>
      ))}
    </Stack>
  );
}
