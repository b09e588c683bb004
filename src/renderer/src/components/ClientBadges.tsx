import { Badge, Group } from '@mantine/core';
import type { ClientFlow, ClientSummary, RegistrationType } from '../../../shared/dto';
import { FLOW_LABELS, REGISTRATION_LABELS } from '../lib/format';

const REGISTRATION_COLORS: Record<RegistrationType, string> = { dynamic: 'blue', manual: 'grape', metadata_document: 'cyan' };

export function RegistrationBadge({ type }: { type: RegistrationType }) {
  return (
    <Badge variant="light" color={REGISTRATION_COLORS[type]}>
      {REGISTRATION_LABELS[type]}
    </Badge>
  );
}

export function FlowBadge({ flow }: { flow: ClientFlow }) {
  return (
    <Badge variant="outline" color="gray">
      {FLOW_LABELS[flow]}
    </Badge>
  );
}

export function DisabledBadge() {
  return (
    <Badge variant="filled" color="red">
      Disabled
    </Badge>
  );
}

/** Registration, flow, Public/Confidential and Disabled, for the detail header. */
export function ClientBadges({ client }: { client: ClientSummary }) {
  return (
    <Group gap="xs">
      <RegistrationBadge type={client.registrationType} />
      <FlowBadge flow={client.flow} />
      <Badge variant="light" color={client.isPublic ? 'orange' : 'teal'}>
        {client.isPublic ? 'Public' : 'Confidential'}
      </Badge>
      {client.disabled && <DisabledBadge />}
    </Group>
  );
}
