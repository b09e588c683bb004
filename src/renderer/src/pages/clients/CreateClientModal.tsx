import { useState } from 'react';
import { Alert, Button, Checkbox, Group, Modal, Stack, TextInput } from '@mantine/core';
import type { AdminError, ClientCredentials } from '../../../../shared/dto';
import { SecretReveal } from '../../components/SecretReveal';
import { useBusy } from '../../hooks/useBusy';
import { createClient } from '../../hooks/mutations';
import { fieldErrors, formError } from '../../lib/field-errors';
import { lines } from '../../lib/format';
import { RedirectUrisField } from '../../components/RedirectUrisField';

export const REDIRECT_URIS_DESCRIPTION =
  'One per line. Leave empty for a machine-to-machine client: it acts as itself with the client credentials flow (server-to-server). Add one or more to create a client that acts for users with the authorization code flow (the user signs in and consents).';

interface Props {
  opened: boolean;
  onClose: () => void;
  /** Called when the dialog closes after a creation (to reload the list). */
  onCreated: () => void;
}

export function CreateClientModal({ opened, onClose, onCreated }: Props) {
  const [name, setName] = useState('');
  const [urisText, setUrisText] = useState('');
  const [isPublic, setIsPublic] = useState(false);
  const [error, setError] = useState<AdminError | undefined>(undefined);
  const [created, setCreated] = useState<ClientCredentials | undefined>(undefined);
  const [busy, run] = useBusy();

  const uris = lines(urisText);
  const errors = fieldErrors(error, uris);
  const generalError = formError(error, errors, ['name', 'redirectUris', 'isPublic']);

  const close = () => {
    if (created) onCreated();
    setName('');
    setUrisText('');
    setIsPublic(false);
    setError(undefined);
    setCreated(undefined);
    onClose();
  };

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const result = await createClient({ name, redirectUris: uris, isPublic: uris.length > 0 && isPublic });
      if (result.ok) setCreated(result.value);
      else setError(result.error);
    });
  };

  return (
    <Modal opened={opened} onClose={close} title="Create client" size="lg" closeOnClickOutside={!created}>
      {created ? (
        <SecretReveal heading="Client created" credentials={created} onDone={close} />
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack>
            {generalError && <Alert color="red">{generalError}</Alert>}
            <TextInput
              label="Name"
              required
              data-autofocus
              value={name}
              onChange={(event) => setName(event.currentTarget.value)}
              error={errors.name}
            />
            <RedirectUrisField
              description={REDIRECT_URIS_DESCRIPTION}
              placeholder="http://localhost:3000/callback"
              minRows={3}
              value={urisText}
              onChange={setUrisText}
              error={errors.redirectUris}
            />
            <Checkbox
              label="Public client (no secret)"
              description="For apps that cannot keep a secret, e.g. desktop or CLI apps; PKCE protects them. Needs at least one redirect URI."
              checked={uris.length > 0 && isPublic}
              disabled={uris.length === 0}
              onChange={(event) => setIsPublic(event.currentTarget.checked)}
              error={errors.isPublic}
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={busy}>
                Create
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
