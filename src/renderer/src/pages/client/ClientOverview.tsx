import { Badge, Code, DataList, Group, Paper, Stack, Text } from '@mantine/core';
import type { ClientDetail } from '../../../../shared/dto';
import { CopyIconButton } from '../../components/CopyIconButton';
import { RelativeTime } from '../../components/RelativeTime';
import { FLOW_LABELS, REGISTRATION_LABELS, formatDate } from '../../lib/format';

function Item({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <DataList.Item>
      <DataList.ItemLabel>{label}</DataList.ItemLabel>
      <DataList.ItemValue>{children}</DataList.ItemValue>
    </DataList.Item>
  );
}

const AUTH_METHODS: Record<string, string> = {
  none: 'None (public client, PKCE)',
  client_secret_basic: 'Client secret (HTTP Basic)',
  client_secret_post: 'Client secret (form post)',
};

export function ClientOverview({ client }: { client: ClientDetail }) {
  return (
    <Paper withBorder radius="md" p="lg">
      <DataList withDivider labelWidth={180}>
        <Item label="Client ID">
          <Group gap="xs" wrap="nowrap">
            <Code style={{ wordBreak: 'break-all' }}>{client.clientId}</Code>
            <CopyIconButton value={client.clientId} label="Copy the client ID" />
          </Group>
        </Item>
        <Item label="Registration">{REGISTRATION_LABELS[client.registrationType]}</Item>
        <Item label="Flow">{FLOW_LABELS[client.flow]}</Item>
        <Item label="Authentication">
          {AUTH_METHODS[client.tokenEndpointAuthMethod] ?? client.tokenEndpointAuthMethod}{' '}
          <Text span size="xs" c="dimmed" ff="monospace">
            ({client.tokenEndpointAuthMethod})
          </Text>
        </Item>
        <Item label="Redirect URIs">
          {client.redirectUris.length === 0 ? (
            <Text span size="sm" c="dimmed">
              None (client credentials only)
            </Text>
          ) : (
            <Stack gap={4}>
              {client.redirectUris.map((uri) => (
                <Code key={uri} style={{ wordBreak: 'break-all' }}>
                  {uri}
                </Code>
              ))}
            </Stack>
          )}
        </Item>
        <Item label="Allowed scopes">
          {client.allowedScopes === null ? (
            'All'
          ) : client.allowedScopes.length === 0 ? (
            <Text span size="sm" c="dimmed">
              None
            </Text>
          ) : (
            <Group gap={4}>
              {client.allowedScopes.map((scope) => (
                <Badge key={scope} variant="light" color="gray" tt="none">
                  {scope}
                </Badge>
              ))}
            </Group>
          )}
        </Item>
        <Item label="Created">{formatDate(client.createdAt)}</Item>
        <Item label="Last used">
          <RelativeTime value={client.lastUsedAt} />
        </Item>
        <Item label="Active tokens">{client.activeTokens}</Item>
        <Item label="Consents">{client.consentCount}</Item>
        {client.softwareId !== null && <Item label="Software ID">{client.softwareId}</Item>}
        {client.softwareVersion !== null && <Item label="Software version">{client.softwareVersion}</Item>}
      </DataList>
    </Paper>
  );
}
