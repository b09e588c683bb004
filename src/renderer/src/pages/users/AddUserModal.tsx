import { useState } from 'react';
import { Alert, Button, Group, Modal, PasswordInput, Stack, TextInput } from '@mantine/core';
import type { AdminError } from '../../../../shared/dto';
import type { Input } from '../../../../shared/contract';
import { useBusy } from '../../hooks/useBusy';
import { addUser } from '../../hooks/mutations';
import { fieldErrors, formError } from '../../lib/field-errors';

export function AddUserModal({ opened, onClose, onAdded }: { opened: boolean; onClose: () => void; onAdded: () => void }) {
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<AdminError | undefined>(undefined);
  const [busy, run] = useBusy();
  const errors = fieldErrors(error);
  const generalError = formError(error, errors, ['username', 'displayName', 'password']);

  const close = () => {
    setUsername('');
    setDisplayName('');
    setPassword('');
    setError(undefined);
    onClose();
  };

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const input: Input<'addUser'> = { username };
      if (displayName.trim()) input.displayName = displayName;
      if (password) input.password = password;
      const result = await addUser(input);
      if (result.ok) {
        onAdded();
        close();
      } else {
        setError(result.error);
      }
    });
  };

  return (
    <Modal opened={opened} onClose={close} title="Add user">
      <form onSubmit={submit} noValidate>
        <Stack>
          {generalError && <Alert color="red">{generalError}</Alert>}
          <TextInput
            label="Username"
            description="Letters, digits and . _ @ + - only."
            required
            data-autofocus
            autoComplete="off"
            value={username}
            onChange={(e) => setUsername(e.currentTarget.value)}
            error={errors.username}
          />
          <TextInput
            label="Display name"
            description="Shown on the consent page; defaults to the username."
            value={displayName}
            onChange={(e) => setDisplayName(e.currentTarget.value)}
            error={errors.displayName}
          />
          <PasswordInput
            label="Password"
            description="Optional: without one, the user signs in with an empty password. At least 8 characters."
            autoComplete="new-password"
            // Mantine names this toggle "Toggle password visibility", which a lookup by the label "Password" also finds.
            visibilityToggleButtonProps={{ 'aria-label': 'Show the typed characters' }}
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            error={errors.password}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              Add user
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
