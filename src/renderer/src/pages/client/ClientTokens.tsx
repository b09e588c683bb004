import { Badge, Button, Code, Group, Paper, Table, Text } from '@mantine/core';
import type { TokenSummary } from '../../../../shared/dto';
import { ErrorAlert, PageLoader } from '../../components/LoadState';
import { RelativeTime } from '../../components/RelativeTime';
import { useClientTokens } from '../../hooks/useClientTokens';
import { useDialogTarget } from '../../hooks/useDialogTarget';
import { TOKEN_KIND_LABELS, TOKEN_STATUS } from '../../lib/tokens';
import { TokenDrawer } from './TokenDrawer';
import { ActionsHeader } from '../../components/ActionsHeader';

function Expires({ token }: { token: TokenSummary }) {
  if (token.expiresAt === null) return <Text size="sm">Never</Text>;
  return <RelativeTime value={token.expiresAt} />;
}

/** The client's tokens, newest first: what each carries and whether it still works, never its value. */
export function ClientTokens({ clientId }: { clientId: string }) {
  const tokens = useClientTokens(clientId);
  const inspecting = useDialogTarget<TokenSummary>();

  if (tokens.error && !tokens.data) return <ErrorAlert error={tokens.error} onRetry={tokens.reload} title="Could not load the tokens" />;
  if (!tokens.data) return <PageLoader label="Loading tokens" />;
  const list = tokens.data;

  return (
    <>
      <Group justify="space-between" mb="sm">
        <Text size="sm" c="dimmed">
          {list.length === 0
            ? 'This client holds no tokens yet.'
            : `${list.filter((t) => t.status === 'active').length} active of ${list.length} (newest 200). Shown by fingerprint: the values are never stored readable.`}
        </Text>
        <Button variant="default" size="xs" onClick={tokens.reload} loading={tokens.loading}>
          Reload tokens
        </Button>
      </Group>
      {list.length > 0 && (
        <Paper withBorder radius="md">
          <Table.ScrollContainer minWidth={860} type="native">
            <Table verticalSpacing="sm" striped aria-label="Tokens">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Fingerprint</Table.Th>
                  <Table.Th>Kind</Table.Th>
                  <Table.Th>User</Table.Th>
                  <Table.Th>Scopes</Table.Th>
                  <Table.Th>Issued</Table.Th>
                  <Table.Th>Expires</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <ActionsHeader />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.map((token) => (
                  <Table.Tr key={token.ref}>
                    <Table.Td>
                      <Code>{token.fingerprint}</Code>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{TOKEN_KIND_LABELS[token.kind]}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" c={token.username ? undefined : 'dimmed'}>
                        {token.username ?? '—'}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Group gap={4}>
                        {token.scopes.map((scope) => (
                          <Badge key={scope} size="sm" variant="light" color="gray" tt="none">
                            {scope}
                          </Badge>
                        ))}
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      <RelativeTime value={token.issuedAt} />
                    </Table.Td>
                    <Table.Td>
                      <Expires token={token} />
                    </Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={TOKEN_STATUS[token.status].color}>
                        {TOKEN_STATUS[token.status].label}
                      </Badge>
                    </Table.Td>
                    <Table.Td ta="right">
                      <Button size="xs" variant="subtle" aria-label={`Inspect token ${token.fingerprint}`} onClick={() => inspecting.open(token)}>
                        Inspect
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Paper>
      )}
      <TokenDrawer token={inspecting.target} opened={inspecting.opened} onClose={inspecting.close} />
    </>
  );
}
