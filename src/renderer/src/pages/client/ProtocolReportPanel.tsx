import { Anchor, Badge, Button, Group, Paper, Stack, Table, Text } from '@mantine/core';
import type { RuleStatus } from '../../../../shared/dto';
import { ErrorAlert, PageLoader } from '../../components/LoadState';
import { RelativeTime } from '../../components/RelativeTime';
import { useProtocolReport } from '../../hooks/useProtocolReport';
import { RULE_STATUS } from '../../lib/tokens';

const ORDER: RuleStatus[] = ['fail', 'warning', 'pass', 'not_observed'];

/** How well the client follows the MCP authorization spec, judged from what it did; refreshed as it acts. */
export function ProtocolReportPanel({ clientId }: { clientId: string }) {
  const report = useProtocolReport(clientId);
  const data = report.data;

  if (report.error && !data) return <ErrorAlert error={report.error} onRetry={report.reload} title="Could not build the protocol report" />;
  if (!data) return <PageLoader label="Loading protocol report" />;

  const counts = ORDER.map((status) => ({ status, count: data.rules.filter((rule) => rule.status === status).length })).filter((c) => c.count > 0);

  return (
    <Stack gap="md">
      <Group justify="space-between" align="center">
        <Stack gap={4}>
          <Group gap="xs">
            {counts.map(({ status, count }) => (
              <Badge key={status} variant="light" color={RULE_STATUS[status].color}>
                {count} {RULE_STATUS[status].label}
              </Badge>
            ))}
          </Group>
          <Text size="sm" c="dimmed">
            Judged from {data.eventsConsidered === 1 ? '1 event' : `${data.eventsConsidered} events`} of this client, <RelativeTime value={data.generatedAt} />;
            updated when it does something.
          </Text>
        </Stack>
        <Button variant="default" onClick={report.reload} loading={report.loading}>
          Refresh
        </Button>
      </Group>
      {report.error && <ErrorAlert error={report.error} onRetry={report.reload} title="Could not refresh the report" />}
      <Paper withBorder radius="md">
        <Table verticalSpacing="sm" aria-label="Protocol report">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={140}>Status</Table.Th>
              <Table.Th>Rule</Table.Th>
              <Table.Th w={80}>Spec</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {data.rules.map((rule) => (
              <Table.Tr key={rule.id}>
                <Table.Td>
                  <Badge variant="light" color={RULE_STATUS[rule.status].color}>
                    {RULE_STATUS[rule.status].label}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" fw={600}>
                    {rule.title}
                  </Text>
                  <Text size="sm" c={rule.status === 'not_observed' ? 'dimmed' : undefined}>
                    {rule.detail}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Anchor href={rule.specUrl} target="_blank" rel="noreferrer" size="sm" title={rule.specUrl}>
                    Spec
                  </Anchor>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Paper>
    </Stack>
  );
}
