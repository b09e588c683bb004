import { Anchor, Badge, Button, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import type { ClientApproval, MetadataTrust } from '../../../../shared/registration';
import { ConfirmModal } from '../../components/ConfirmModal';
import { ErrorAlert, PageLoader } from '../../components/LoadState';
import { RelativeTime } from '../../components/RelativeTime';
import { useBusy } from '../../hooks/useBusy';
import { useDecidedApprovals, usePendingApprovals } from '../../hooks/useApprovals';
import { useDialogTarget } from '../../hooks/useDialogTarget';
import { decideApproval } from '../../hooks/mutations';
import { DECISION_BADGES, approvalLabel } from '../../lib/registration';
import { ActionsHeader } from '../../components/ActionsHeader';

/** The client's name (from its document) and its client_id, the document's URL. */
function ClientCells({ approval }: { approval: ClientApproval }) {
  return (
    <>
      <Table.Td maw={220}>
        <Text size="sm" fw={500} c={approval.clientName ? undefined : 'dimmed'} style={{ wordBreak: 'break-word' }}>
          {approval.clientName ?? 'Unnamed'}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm" ff="monospace">
          {approval.host}
        </Text>
      </Table.Td>
      <Table.Td maw={300}>
        <Anchor href={approval.clientId} target="_blank" rel="noreferrer" size="xs" ff="monospace" display="block" truncate="end" title={approval.clientId}>
          {approval.clientId}
        </Anchor>
      </Table.Td>
    </>
  );
}

function DecisionButton({ approval, decision, onBlock }: { approval: ClientApproval; decision: 'approved' | 'blocked'; onBlock?: (approval: ClientApproval) => void }) {
  const [busy, run] = useBusy();
  const label = approvalLabel(approval);
  const approve = decision === 'approved';
  const act = () => {
    if (!approve && onBlock) return onBlock(approval);
    void run(() => decideApproval(approval.clientId, decision, label));
  };
  return (
    <Button
      size="xs"
      variant={approve ? 'light' : 'subtle'}
      color={approve ? 'green' : 'red'}
      aria-label={`${approve ? 'Approve' : 'Block'} ${label}`}
      loading={busy}
      onClick={act}
    >
      {approve ? 'Approve' : 'Block'}
    </Button>
  );
}

function PendingTable({ approvals }: { approvals: ClientApproval[] }) {
  return (
    <Table.ScrollContainer minWidth={760} type="native">
      <Table verticalSpacing="sm" aria-label="Waiting for approval">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Client</Table.Th>
            <Table.Th>Host</Table.Th>
            <Table.Th>Client ID (document URL)</Table.Th>
            <Table.Th>First seen</Table.Th>
            <ActionsHeader />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {approvals.map((approval) => (
            <Table.Tr key={approval.clientId}>
              <ClientCells approval={approval} />
              <Table.Td>
                <RelativeTime value={approval.firstSeenAt} />
              </Table.Td>
              <Table.Td>
                <Group gap="xs" justify="flex-end" wrap="nowrap">
                  <DecisionButton approval={approval} decision="approved" />
                  <DecisionButton approval={approval} decision="blocked" />
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function DecidedTable({ approvals, onBlock }: { approvals: ClientApproval[]; onBlock: (approval: ClientApproval) => void }) {
  return (
    <Table.ScrollContainer minWidth={760} type="native">
      <Table verticalSpacing="sm" aria-label="Decided">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Client</Table.Th>
            <Table.Th>Host</Table.Th>
            <Table.Th>Client ID (document URL)</Table.Th>
            <Table.Th>Decision</Table.Th>
            <Table.Th>Decided</Table.Th>
            <ActionsHeader />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {approvals.map((approval) => {
            const badge = DECISION_BADGES[approval.decision];
            return (
              <Table.Tr key={approval.clientId}>
                <ClientCells approval={approval} />
                <Table.Td>
                  <Badge variant="light" color={badge.color}>
                    {badge.label}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <RelativeTime value={approval.decidedAt} />
                  {approval.decidedBy && (
                    <Text size="xs" c="dimmed">
                      by {approval.decidedBy}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td ta="right">
                  <DecisionButton approval={approval} decision={approval.decision === 'approved' ? 'blocked' : 'approved'} onBlock={onBlock} />
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/**
 * Metadata-document clients waiting for the admin (under "Ask me to approve
 * each new client"), and those already approved or blocked. Follows live activity.
 */
export function ApprovalsSection({ trust }: { trust: MetadataTrust | undefined }) {
  const pending = usePendingApprovals();
  const decided = useDecidedApprovals();
  const blocking = useDialogTarget<ClientApproval>();

  return (
    <Paper withBorder radius="md" p="lg" component="section" aria-labelledby="approvals-title">
      <Stack gap="md">
        <div>
          <Title order={2} size="h4" id="approvals-title">
            Waiting for approval
          </Title>
          <Text size="sm" c="dimmed">
            Metadata-document clients seen for the first time while Trust is “Ask me to approve each new client”. Until you
            approve one, it is refused; approve it, then ask the user to try again.
          </Text>
        </div>
        {pending.error && !pending.data && <ErrorAlert error={pending.error} onRetry={pending.reload} title="Could not load the clients waiting for approval" />}
        {!pending.data && !pending.error && <PageLoader label="Loading clients waiting for approval" />}
        {pending.data && pending.data.length === 0 && (
          <Stack gap={4} align="center" py="md">
            <Text c="dimmed">No client is waiting for approval.</Text>
            {trust !== undefined && trust !== 'approval' && (
              <Text size="sm" c="dimmed">
                New clients wait here only while Trust is “Ask me to approve each new client”.
              </Text>
            )}
          </Stack>
        )}
        {pending.data && pending.data.length > 0 && <PendingTable approvals={pending.data} />}

        <Title order={3} size="h5" mt="sm">
          Decided
        </Title>
        {decided.error && !decided.data && <ErrorAlert error={decided.error} onRetry={decided.reload} title="Could not load the decided clients" />}
        {decided.data && decided.data.length === 0 && (
          <Text size="sm" c="dimmed">
            No client has been approved or blocked yet.
          </Text>
        )}
        {decided.data && decided.data.length > 0 && <DecidedTable approvals={decided.data} onBlock={blocking.open} />}
      </Stack>

      <ConfirmModal
        opened={blocking.opened}
        title="Block client?"
        confirmLabel="Block client"
        onClose={blocking.close}
        onConfirm={async () => {
          if (!blocking.target) return;
          await decideApproval(blocking.target.clientId, 'blocked', approvalLabel(blocking.target));
        }}
      >
        {`${blocking.target ? approvalLabel(blocking.target) : 'The client'} is refused from now on: its consents and tokens are revoked at once. Approve it again at any time.`}
      </ConfirmModal>
    </Paper>
  );
}
