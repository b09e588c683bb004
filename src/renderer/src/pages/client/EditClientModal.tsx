import { useEffect, useState } from 'react';
import { Alert, Button, Checkbox, Group, Modal, Skeleton, Stack, Text, TextInput } from '@mantine/core';
import type { AdminError, ClientDetail } from '../../../../shared/dto';
import type { Input } from '../../../../shared/contract';
import { useBusy } from '../../hooks/useBusy';
import { updateClient } from '../../hooks/mutations';
import { useServerStatus } from '../../hooks/useServerStatus';
import { fieldErrors, formError } from '../../lib/field-errors';
import { lines } from '../../lib/format';
import { RedirectUrisField } from '../../components/RedirectUrisField';

interface Props {
  client: ClientDetail;
  opened: boolean;
  onClose: () => void;
  onSaved: () => void;
}

export function EditClientModal({ client, opened, onClose, onSaved }: Props) {
  const status = useServerStatus();
  const [name, setName] = useState('');
  const [urisText, setUrisText] = useState('');
  const [allScopes, setAllScopes] = useState(true);
  const [scopes, setScopes] = useState<string[]>([]);
  const [error, setError] = useState<AdminError | undefined>(undefined);
  const [busy, run] = useBusy();
  const fromDocument = client.registrationType === 'metadata_document';
  // A metadata-document client's redirect URIs come from its document: Refresh fetches them again.
  const withRedirects = client.flow === 'authorization_code' && !fromDocument;

  // Start from the client's current values each time the dialog opens.
  useEffect(() => {
    if (!opened) return;
    setName(client.name ?? '');
    setUrisText(client.redirectUris.join('\n'));
    setAllScopes(client.allowedScopes === null);
    setScopes(client.allowedScopes ?? []);
    setError(undefined);
  }, [opened, client]);

  const uris = lines(urisText);
  const errors = fieldErrors(error, uris);
  const generalError = formError(error, errors, ['name', 'redirectUris', 'allowedScopes']);
  const available = [...new Set([...(status.data?.scopes ?? []), ...scopes])];

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const input: Input<'updateClient'> = { clientId: client.clientId, name, allowedScopes: allScopes ? null : scopes };
      if (withRedirects) input.redirectUris = uris;
      const result = await updateClient(input);
      if (result.ok) {
        onSaved();
        onClose();
      } else {
        setError(result.error);
      }
    });
  };

  return (
    <Modal opened={opened} onClose={onClose} title="Edit client" size="lg">
      <form onSubmit={submit} noValidate>
        <Stack>
          {generalError && <Alert color="red">{generalError}</Alert>}
          <TextInput
            label="Name"
            required
            description={fromDocument ? 'The next fetch of the metadata document sets it to the document’s client_name again.' : undefined}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={errors.name}
          />
          {fromDocument && (
            <Text size="sm" c="dimmed">
              Redirect URIs come from the metadata document; use Refresh on the Overview to fetch them again.
            </Text>
          )}
          {withRedirects && (
            <RedirectUrisField
              description="One per line. Where users are sent back after signing in and consenting."
              value={urisText}
              onChange={setUrisText}
              error={errors.redirectUris}
            />
          )}
          <Stack gap="xs" role="group" aria-labelledby="allowed-scopes-label">
            <div>
              <Text id="allowed-scopes-label" size="sm" fw={500}>
                Allowed scopes
              </Text>
              <Text size="xs" c="dimmed">
                What this client may ask for. Users still consent to each request.
              </Text>
            </div>
            <Checkbox
              label="All scopes"
              description="Every scope of the MCP endpoint, including ones added later."
              checked={allScopes}
              onChange={(e) => {
                const all = e.currentTarget.checked;
                setAllScopes(all);
                // Narrowing down starts from every scope ticked, to untick the unwanted ones.
                if (!all && scopes.length === 0) setScopes(status.data?.scopes ?? []);
              }}
            />
            {status.loading && !status.data && <Skeleton h={60} />}
            {status.error && <Text size="sm" c="red">Could not load the scopes: {status.error.message}</Text>}
            <Group gap="md" pl="lg">
              {available.map((scope) => (
                <Checkbox
                  key={scope}
                  label={scope}
                  disabled={allScopes}
                  checked={allScopes || scopes.includes(scope)}
                  onChange={(e) => {
                    const checked = e.currentTarget.checked;
                    setScopes((current) => (checked ? [...current, scope] : current.filter((s) => s !== scope)));
                  }}
                />
              ))}
            </Group>
            {errors.allowedScopes && <Text size="sm" c="red">{errors.allowedScopes}</Text>}
          </Stack>
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              Save
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
