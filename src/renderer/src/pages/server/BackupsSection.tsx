import { useState } from 'react';
import { Button, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import type { BackupInfo } from '../../../../shared/dto';
import { ConfirmModal } from '../../components/ConfirmModal';
import { ErrorAlert } from '../../components/LoadState';
import { RelativeTime } from '../../components/RelativeTime';
import { useBusy } from '../../hooks/useBusy';
import { createBackup, restoreBackup, useBackups } from '../../hooks/useBackups';
import { ActionsHeader } from '../../components/ActionsHeader';

const fileName = (path: string) => path.split(/[\\/]/).pop() ?? path;

/** Online backups of the database, and restoring one at the next start. */
export function BackupsSection() {
  const backups = useBackups();
  const [busy, run] = useBusy();
  const [restoring, setRestoring] = useState<BackupInfo | undefined>(undefined);
  const backUp = () =>
    run(async () => {
      const result = await createBackup();
      if (result.ok) backups.reload();
    });
  return (
    <Paper withBorder radius="md" p="lg">
      <Stack gap="sm">
        <Group justify="space-between">
          <div>
            <Title order={2} size="h4">
              Backups
            </Title>
            <Text size="sm" c="dimmed">
              A backup copies the database while the server keeps running. Restoring one takes effect at the next start; the
              current database is kept beside it.
            </Text>
          </div>
          <Button onClick={backUp} loading={busy}>
            Back up now
          </Button>
        </Group>
        {backups.error && <ErrorAlert error={backups.error} onRetry={backups.reload} title="Could not list the backups" />}
        {backups.data && backups.data.length === 0 && <Text size="sm">No backups yet.</Text>}
        {backups.data && backups.data.length > 0 && (
          <Table aria-label="Backups" verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>File</Table.Th>
                <Table.Th>Size</Table.Th>
                <Table.Th>Made</Table.Th>
                <ActionsHeader />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {backups.data.map((backup) => (
                <Table.Tr key={backup.file}>
                  <Table.Td style={{ wordBreak: 'break-all' }}>{fileName(backup.file)}</Table.Td>
                  <Table.Td>{Math.max(1, Math.round(backup.bytes / 1024))} KB</Table.Td>
                  <Table.Td>
                    <RelativeTime value={backup.createdAt} />
                  </Table.Td>
                  <Table.Td>
                    <Button size="xs" variant="default" aria-label={`Restore ${fileName(backup.file)}`} onClick={() => setRestoring(backup)}>
                      Restore
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
      <ConfirmModal
        opened={restoring !== undefined}
        title="Restore this backup?"
        confirmLabel="Restore at next start"
        color="orange"
        onClose={() => setRestoring(undefined)}
        onConfirm={async () => (await restoreBackup(fileName(restoring!.file))).ok}
      >
        {`The backup is checked now and replaces the database when MCP Auth Desk next starts. Everything changed since ${new Date(
          restoring?.createdAt ?? 0,
        ).toLocaleString()} will be gone from the restored database (the current one is kept beside it).`}
      </ConfirmModal>
    </Paper>
  );
}
