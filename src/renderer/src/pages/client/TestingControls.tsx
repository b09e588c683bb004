import { Divider, Group, Paper, Stack, Text, Title } from '@mantine/core';
import type { ClientDetail } from '../../../../shared/dto';
import { ExpireTokensControl } from './ExpireTokensControl';
import { TokenLifetimesForm } from './TokenLifetimesForm';

/** Short token lifetimes and expiry on demand: to watch how a client handles expired tokens. */
export function TestingControls({ client, onChanged }: { client: ClientDetail; onChanged: () => void }) {
  return (
    <Paper withBorder radius="md" p="lg" component="section" aria-labelledby="testing-controls-title">
      <Stack gap="md">
        <div>
          <Title order={2} size="h4" id="testing-controls-title">
            Testing controls
          </Title>
          <Text size="sm" c="dimmed">
            Make this client's tokens short-lived or end them now, then watch in Activity and Protocol report how it recovers.
          </Text>
        </div>
        <TokenLifetimesForm client={client} onSaved={onChanged} />
        <Divider />
        <Group justify="space-between" wrap="nowrap">
          <Text size="sm">
            End the client's live access tokens at once: its next MCP call gets 401 and it should refresh.
          </Text>
          <ExpireTokensControl client={client} onExpired={onChanged} />
        </Group>
      </Stack>
    </Paper>
  );
}
