import { useState } from 'react';
import { Alert, Button, Code, Group, NumberInput, Paper, Radio, Select, Stack, Switch, TagsInput, Text, Title } from '@mantine/core';
import type { AdminError } from '../../../../shared/dto';
import type { DcrRedirectRule, MetadataTrust, RegistrationSettings } from '../../../../shared/registration';
import { useBusy } from '../../hooks/useBusy';
import { updateRegistrationSettings } from '../../hooks/mutations';
import { REDIRECT_RULE_OPTIONS, TRUST_OPTIONS, normalizeList, settingsFieldErrors } from '../../lib/registration';

type Metadata = RegistrationSettings['metadataDocuments'];
type Dynamic = RegistrationSettings['dynamicRegistration'];
type Limit = number | '';

const toLimit = (value: number | null): Limit => value ?? '';
const fromLimit = (value: string | number): number | null => (typeof value === 'number' ? value : null);

/** Pasting "a.com, b.com" or one per line makes one tag each. */
const SPLIT = [',', ' ', '\n'];
const ERROR_STYLES = { error: { whiteSpace: 'pre-line' as const } };

function Section({ id, title, description, children }: { id: string; title: string; description: React.ReactNode; children: React.ReactNode }) {
  return (
    <Paper withBorder radius="md" p="lg" component="section" aria-labelledby={id}>
      <Stack gap="md">
        <div>
          <Title order={2} size="h4" id={id}>
            {title}
          </Title>
          <Text size="sm" c="dimmed">
            {description}
          </Text>
        </div>
        {children}
      </Stack>
    </Paper>
  );
}

/**
 * How clients may register themselves: Client ID Metadata Documents and
 * Dynamic Client Registration. One Save sends the whole settings object.
 */
export function RegistrationSettingsForm({ initial, onSaved }: { initial: RegistrationSettings; onSaved: (settings: RegistrationSettings) => void }) {
  const [saved, setSaved] = useState(initial);
  const [draft, setDraft] = useState(initial);
  const [error, setError] = useState<AdminError | undefined>(undefined);
  const [busy, run] = useBusy();

  const metadata = draft.metadataDocuments;
  const dynamic = draft.dynamicRegistration;
  const setMetadata = (patch: Partial<Metadata>) => setDraft((d) => ({ ...d, metadataDocuments: { ...d.metadataDocuments, ...patch } }));
  const setDynamic = (patch: Partial<Dynamic>) => setDraft((d) => ({ ...d, dynamicRegistration: { ...d.dynamicRegistration, ...patch } }));

  const errors = settingsFieldErrors(error, draft);
  const onAField = Object.keys(errors).some((key) => key.includes('.'));
  const unchanged = JSON.stringify(draft) === JSON.stringify(saved);

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const result = await updateRegistrationSettings(draft);
      setError(result.ok ? undefined : result.error);
      if (result.ok) {
        setSaved(result.value);
        setDraft(result.value);
        onSaved(result.value);
      }
    });
  };

  const list = (values: string[]) => normalizeList(values);

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="lg">
        <Section
          id="metadata-documents-title"
          title="Client ID Metadata Documents"
          description={
            <>
              A client may identify itself by the https URL of a JSON document describing it, instead of registering. Claude
              Code and VS Code use one when the server offers it; the server fetches the document when the client first asks
              for access.
            </>
          }
        >
          <Switch
            label="Accept clients identified by a metadata document URL"
            description="Off: the server no longer offers it (client_id_metadata_document_supported) and refuses URL client IDs; such clients fall back to Dynamic Client Registration."
            checked={metadata.enabled}
            onChange={(e) => setMetadata({ enabled: e.currentTarget.checked })}
          />
          <Radio.Group
            label="Trust"
            description="Which document URLs are accepted. Blocked domains are always refused."
            value={metadata.trust}
            onChange={(trust) => setMetadata({ trust: trust as MetadataTrust })}
            error={errors['metadataDocuments.trust']}
          >
            <Stack gap="xs" mt="xs">
              {TRUST_OPTIONS.map((option) => (
                <Radio key={option.value} value={option.value} label={option.label} description={option.description} disabled={!metadata.enabled} />
              ))}
            </Stack>
          </Radio.Group>
          <TagsInput
            label="Allowed domains"
            description="For “Only listed domains”: a domain admits itself and its subdomains. Press Enter after each."
            placeholder="example.com"
            splitChars={SPLIT}
            clearable
            disabled={!metadata.enabled}
            value={metadata.allowedDomains}
            onChange={(values) => setMetadata({ allowedDomains: list(values) })}
            error={errors['metadataDocuments.allowedDomains']}
            styles={ERROR_STYLES}
          />
          <TagsInput
            label="Blocked domains"
            description="Always refused, with their subdomains, whatever the trust."
            placeholder="untrusted.example"
            splitChars={SPLIT}
            clearable
            disabled={!metadata.enabled}
            value={metadata.blockedDomains}
            onChange={(values) => setMetadata({ blockedDomains: list(values) })}
            error={errors['metadataDocuments.blockedDomains']}
            styles={ERROR_STYLES}
          />
          <TagsInput
            label="Hosts allowed on this computer or private network"
            description={
              <>
                Documents are never fetched from loopback or private addresses, except from these hosts: for a developer's own
                document served from localhost. Entries are <Code>host</Code> or <Code>host:port</Code>.
              </>
            }
            placeholder="localhost:8443"
            splitChars={SPLIT}
            clearable
            disabled={!metadata.enabled}
            value={metadata.privateHostsAllowed}
            onChange={(values) => setMetadata({ privateHostsAllowed: list(values) })}
            error={errors['metadataDocuments.privateHostsAllowed']}
            styles={ERROR_STYLES}
          />
        </Section>

        <Section
          id="dynamic-registration-title"
          title="Dynamic Client Registration"
          description={
            <>
              Clients without a metadata document register themselves at <Code>/register</Code> (RFC 7591), as most MCP
              clients do. Clients you create on the Clients page are not affected.
            </>
          }
        >
          <Switch
            label="Allow clients to register themselves"
            description="Off: /register answers 403 and only the clients you create (and metadata-document clients) can connect."
            checked={dynamic.enabled}
            onChange={(e) => setDynamic({ enabled: e.currentTarget.checked })}
          />
          <Select
            label="Redirect URIs allowed"
            description="Registrations asking for other redirect URIs are refused with invalid_redirect_uri."
            data={REDIRECT_RULE_OPTIONS}
            value={dynamic.redirectRule}
            onChange={(rule) => rule && setDynamic({ redirectRule: rule as DcrRedirectRule })}
            allowDeselect={false}
            disabled={!dynamic.enabled}
            error={errors['dynamicRegistration.redirectRule']}
            maw={520}
          />
          <TagsInput
            label="Allowed https hosts"
            description="For “Loopback, app schemes and listed https hosts”: https redirect URIs must be on one of these hosts."
            placeholder="app.example.com"
            splitChars={SPLIT}
            clearable
            disabled={!dynamic.enabled || dynamic.redirectRule !== 'loopback_private_use_listed_https'}
            value={dynamic.allowedHttpsHosts}
            onChange={(values) => setDynamic({ allowedHttpsHosts: list(values) })}
            error={errors['dynamicRegistration.allowedHttpsHosts']}
            styles={ERROR_STYLES}
          />
          <Group align="flex-start" grow>
            <NumberInput
              label="Maximum self-registered clients"
              description="Registrations beyond it are refused. Empty: no limit."
              placeholder="No limit"
              min={1}
              max={1_000_000}
              clampBehavior="none"
              allowDecimal={false}
              allowNegative={false}
              disabled={!dynamic.enabled}
              value={toLimit(dynamic.maxClients)}
              onChange={(value) => setDynamic({ maxClients: fromLimit(value) })}
              error={errors['dynamicRegistration.maxClients']}
            />
            <NumberInput
              label="Registrations per minute"
              description="Beyond it, /register answers 429. Empty: no limit."
              placeholder="No limit"
              min={1}
              max={100_000}
              clampBehavior="none"
              allowDecimal={false}
              allowNegative={false}
              disabled={!dynamic.enabled}
              value={toLimit(dynamic.perMinute)}
              onChange={(value) => setDynamic({ perMinute: fromLimit(value) })}
              error={errors['dynamicRegistration.perMinute']}
            />
          </Group>
        </Section>

        {error && !onAField && (
          <Alert color="red" title="Could not save the registration settings">
            {error.message}
          </Alert>
        )}
        <Group justify="flex-end" gap="xs">
          {!unchanged && (
            <Text size="sm" c="dimmed">
              Unsaved changes
            </Text>
          )}
          <Button
            variant="default"
            disabled={unchanged}
            onClick={() => {
              setDraft(saved);
              setError(undefined);
            }}
          >
            Discard changes
          </Button>
          <Button type="submit" loading={busy} disabled={unchanged}>
            Save
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
