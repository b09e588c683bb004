import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import { useBusy } from '../hooks/useBusy';

interface ConfirmModalProps {
  opened: boolean;
  title: string;
  /** What happens, in plain words. */
  children: React.ReactNode;
  confirmLabel: string;
  color?: string;
  onClose: () => void;
  /** Return true (or nothing) to close; false keeps the modal open. */
  onConfirm: () => Promise<boolean | void>;
}

/** Asks before a destructive action; Cancel is the safe default. */
export function ConfirmModal({ opened, title, children, confirmLabel, color = 'red', onClose, onConfirm }: ConfirmModalProps) {
  const [busy, run] = useBusy();
  const confirm = () =>
    run(async () => {
      const close = await onConfirm();
      if (close !== false) onClose();
    });
  return (
    <Modal opened={opened} onClose={onClose} title={title} centered>
      <Stack>
        {typeof children === 'string' ? <Text size="sm">{children}</Text> : children}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} data-autofocus>
            Cancel
          </Button>
          <Button color={color} onClick={confirm} loading={busy}>
            {confirmLabel}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
