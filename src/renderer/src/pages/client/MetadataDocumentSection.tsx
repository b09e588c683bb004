import { useState } from 'react';
import { Alert, Anchor, Button, Code, DataList, Group, Paper, ScrollArea, Stack, Text, Title } from '@mantine/core';
import type { ClientDetail } from '../../../../shared/dto';
import { CopyIconButton } from '../../components/CopyIconButton';
import { RelativeTime } from '../../components/RelativeTime';
import { useBusy } from '../../hooks/useBusy';
import { refreshMetadataDocument } from '../../hooks/mutations';

/**
 * A metadata-document client: the document's URL (its client_id), when this
 * server last fetched it, Refresh, and the document as fetched.
 */
export function MetadataDocumentSection({ client, onRefreshed }: { client: ClientDetail; onRefreshed: () => void }) {
  const [busy, run] = useBusy();
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const json = JSON.stringify(client.metadata, null, 2);

  const refresh = () =>
    run(async () => {
      const result = await refreshMetadataDocument(client.clientId);
      setProblem(result.ok ? undefined : result.error.message);
      if (result.ok) onRefreshed();
    });

  return (
    <Paper withBorder radius="md" p="lg" component="section" aria-labelledby="metadata-document-title">
      <Stack gap="md">
        <Group justify="space-between" align="flex-start" wrap="nowrap">
          <div>
            <Title order={2} size="h4" id="metadata-document-title">
              Metadata document
            </Title>
            <Text size="sm" c="dimmed">
              This client is identified by the URL of its document: its name and redirect URIs come from there, and it has
              no secret. Refresh fetches it again now (new redirect URIs revoke earlier consents).
            </Text>
          </div>
          <Button variant="default" onClick={() => void refresh()} loading={busy} style={{ flexShrink: 0 }}>
            Refresh
          </Button>
        </Group>
        {problem && (
          <Alert color="red" title="Could not refresh the metadata document" role="alert" withCloseButton onClose={() => setProblem(undefined)}>
            {problem}
          </Alert>
        )}
        <DataList withDivider labelWidth={180}>
          <DataList.Item>
            <DataList.ItemLabel>Document URL</DataList.ItemLabel>
            <DataList.ItemValue>
              <Anchor href={client.clientId} target="_blank" rel="noreferrer" size="sm" ff="monospace" style={{ wordBreak: 'break-all' }}>
                {client.clientId}
              </Anchor>
            </DataList.ItemValue>
          </DataList.Item>
          <DataList.Item>
            <DataList.ItemLabel>Last fetched</DataList.ItemLabel>
            <DataList.ItemValue>
              <RelativeTime value={client.documentFetchedAt} />
            </DataList.ItemValue>
          </DataList.Item>
        </DataList>
        <div>
          <Group gap="xs" mb={4} wrap="nowrap">
            <Text size="sm" fw={500} id="metadata-document-json">
              Document as fetched
            </Text>
            <Text size="xs" c="dimmed" style={{ flex: 1 }}>
              (with the server's defaults for the fields it leaves out)
            </Text>
            <CopyIconButton value={json} label="Copy the document" />
          </Group>
          <ScrollArea.Autosize mah={360} type="auto">
            <Code block aria-labelledby="metadata-document-json" style={{ whiteSpace: 'pre' }}>
              {json}
            </Code>
          </ScrollArea.Autosize>
        </div>
      </Stack>
    </Paper>
  );
}
