import { Badge, Code, DataList, Group, Paper, Stack, Text } from '@mantine/core';
import type { ClientDetail } from '../../../../shared/dto';
import { CopyIconButton } from '../../components/CopyIconButton';
import { RelativeTime } from '../../components/RelativeTime';
import { FLOW_LABELS, REGISTRATION_LABELS, formatDate, formatUptime } from '../../lib/format';
import { DEFAULT_ACCESS_TOKEN_TTL_SECONDS, DEFAULT_REFRESH_TOKEN_TTL_SECONDS } from '../../lib/tokens';
import { MetadataDocumentSection } from './MetadataDocumentSection';
import { TestingControls } from './TestingControls';

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

/** "10 s (override)" or "default (1 h)". */
function Lifetime({ override, fallback }: { override: number | null; fallback: number }) {
  if (override === null) {
    return (
      <Text span size="sm" c="dimmed">
        default ({formatUptime(fallback)})
      </Text>
    );
  }
  return (
    <Text span size="sm" fw={600} c="orange">
      {formatUptime(override)} (override)
    </Text>
  );
}

export function ClientOverview({ client, onChanged }: { client: ClientDetail; onChanged: () => void }) {
  return (
    <Stack gap="lg">
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
            {client.registrationType === 'metadata_document' && (
              <Text size="xs" c="dimmed" mb={4}>
                From the metadata document
              </Text>
            )}
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
          <Item label="Access token lifetime">
            <Lifetime override={client.accessTokenTtlSeconds} fallback={DEFAULT_ACCESS_TOKEN_TTL_SECONDS} />
          </Item>
          <Item label="Refresh token lifetime">
            <Lifetime override={client.refreshTokenTtlSeconds} fallback={DEFAULT_REFRESH_TOKEN_TTL_SECONDS} />
          </Item>
          <Item label="Consents">{client.consentCount}</Item>
          {client.softwareId !== null && <Item label="Software ID">{client.softwareId}</Item>}
          {client.softwareVersion !== null && <Item label="Software version">{client.softwareVersion}</Item>}
        </DataList>
      </Paper>
      {client.registrationType === 'metadata_document' && <MetadataDocumentSection client={client} onRefreshed={onChanged} />}
      <TestingControls client={client} onChanged={onChanged} />
    </Stack>
  );
}
