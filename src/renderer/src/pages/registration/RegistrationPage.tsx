import { Stack, Text, Title } from '@mantine/core';
import { ErrorAlert, PageLoader } from '../../components/LoadState';
import { useRegistrationSettings } from '../../hooks/useRegistrationSettings';
import { ApprovalsSection } from './ApprovalsSection';
import { DormantClientsSection } from './DormantClientsSection';
import { RegistrationSettingsForm } from './RegistrationSettingsForm';

/** How clients register themselves, who waits for approval, and clean-up of unused self-registered clients. */
export function RegistrationPage() {
  const settings = useRegistrationSettings();

  return (
    <Stack gap="lg">
      <div>
        <Title order={1}>Registration</Title>
        <Text c="dimmed" size="sm">
          How MCP clients the server has never seen get in: by a metadata document URL or by registering themselves.
        </Text>
      </div>

      {settings.error && !settings.data && <ErrorAlert error={settings.error} onRetry={settings.reload} title="Could not load the registration settings" />}
      {settings.loading && !settings.data && <PageLoader label="Loading registration settings" />}
      {settings.data && <RegistrationSettingsForm initial={settings.data} onSaved={settings.reload} />}

      <ApprovalsSection trust={settings.data?.metadataDocuments.trust} />
      <DormantClientsSection />
    </Stack>
  );
}
