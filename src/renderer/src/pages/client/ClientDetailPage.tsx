import { Anchor, Breadcrumbs, Group, Stack, Tabs, Text, Title } from '@mantine/core';
import { ClientBadges } from '../../components/ClientBadges';
import { ErrorAlert, PageLoader } from '../../components/LoadState';
import { useClient } from '../../hooks/useClient';
import { useReloadOnActivity } from '../../hooks/useLiveActivity';
import { ClientActions } from './ClientActions';
import { ClientActivity } from './ClientActivity';
import { ClientConsents } from './ClientConsents';
import { ClientOverview } from './ClientOverview';
import { ClientTokens } from './ClientTokens';
import { ProtocolReportPanel } from './ProtocolReportPanel';

export function ClientDetailPage({ clientId }: { clientId: string }) {
  const client = useClient(clientId);
  const detail = client.data;
  // Keeps "Active tokens", "Last used" and "Consents" current while the client works.
  useReloadOnActivity(clientId, client.reload);

  return (
    <Stack gap="lg">
      <Breadcrumbs>
        <Anchor href="#/clients" size="sm">
          Clients
        </Anchor>
        <Text size="sm" c="dimmed" truncate="end" maw={400}>
          {detail?.name ?? clientId}
        </Text>
      </Breadcrumbs>

      {client.error && (
        <ErrorAlert
          error={client.error}
          onRetry={client.reload}
          title={client.error.code === 'not_found' ? 'Client not found' : 'Could not load the client'}
        />
      )}
      {client.loading && !detail && <PageLoader label="Loading client" />}

      {detail && (
        <>
          <Group justify="space-between" align="flex-start" wrap="nowrap">
            <Stack gap="xs" style={{ minWidth: 0 }}>
              <Title order={1} style={{ wordBreak: 'break-word' }}>
                {detail.name ?? detail.clientId}
              </Title>
              <ClientBadges client={detail} />
            </Stack>
            <ClientActions client={detail} onChanged={client.reload} />
          </Group>

          <Tabs defaultValue="overview" keepMounted={false}>
            <Tabs.List>
              <Tabs.Tab value="overview">Overview</Tabs.Tab>
              <Tabs.Tab value="consents">Consents</Tabs.Tab>
              <Tabs.Tab value="tokens">Tokens</Tabs.Tab>
              <Tabs.Tab value="activity">Activity</Tabs.Tab>
              <Tabs.Tab value="protocol">Protocol report</Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="overview" pt="lg">
              <ClientOverview client={detail} onChanged={client.reload} />
            </Tabs.Panel>
            <Tabs.Panel value="consents" pt="lg">
              <ClientConsents clientId={detail.clientId} onChanged={client.reload} />
            </Tabs.Panel>
            <Tabs.Panel value="tokens" pt="lg">
              <ClientTokens clientId={detail.clientId} />
            </Tabs.Panel>
            <Tabs.Panel value="activity" pt="lg">
              <ClientActivity clientId={detail.clientId} />
            </Tabs.Panel>
            <Tabs.Panel value="protocol" pt="lg">
              <ProtocolReportPanel clientId={detail.clientId} />
            </Tabs.Panel>
          </Tabs>
        </>
      )}
    </Stack>
  );
}
