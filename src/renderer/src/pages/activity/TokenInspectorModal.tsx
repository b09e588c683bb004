import { useState } from 'react';
import { Alert, Button, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { TokenInspectionView } from '../../components/TokenInspectionView';
import { usePastedTokenInspection } from '../../hooks/useTokenInspection';

/**
 * The standalone token inspector: the admin pastes a token (say, from a
 * client's log); the server looks it up by its hash. The pasted value is
 * cleared once sent and never shown back.
 */
export function TokenInspectorModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const [token, setToken] = useState('');
  const [empty, setEmpty] = useState(false);
  const inspection = usePastedTokenInspection();

  const close = () => {
    setToken('');
    setEmpty(false);
    inspection.reset();
    onClose();
  };

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    const value = token.trim();
    if (!value) {
      setEmpty(true);
      return;
    }
    setToken('');
    setEmpty(false);
    void inspection.inspect(value);
  };

  const { error, result } = inspection;
  return (
    <Modal opened={opened} onClose={close} title="Token inspector" size="lg">
      <Stack>
        <form onSubmit={submit} noValidate>
          <Stack gap="sm">
            <Textarea
              label="Token"
              description="Paste an access or refresh token. It is looked up by its hash, cleared from this field once sent, and never shown."
              placeholder="Paste a token"
              autosize
              minRows={2}
              maxRows={5}
              autoComplete="off"
              spellCheck={false}
              data-autofocus
              value={token}
              onChange={(e) => setToken(e.currentTarget.value)}
              error={empty ? 'Paste a token first.' : undefined}
              styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Close
              </Button>
              <Button type="submit" loading={inspection.busy}>
                Inspect
              </Button>
            </Group>
          </Stack>
        </form>
        {error && (
          <Alert color={error.code === 'not_found' ? 'yellow' : 'red'} title={error.code === 'not_found' ? 'Token not found' : 'Could not inspect the token'} role="alert">
            <Text size="sm">{error.message}</Text>
          </Alert>
        )}
        {result && <TokenInspectionView token={result} />}
      </Stack>
    </Modal>
  );
}
