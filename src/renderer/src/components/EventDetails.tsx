import { Code, DataList, Text } from '@mantine/core';
import type { ActivityEvent } from '../../../shared/events';
import { formatDataValue } from '../lib/activity';

function Item({ label, mono = false, children }: { label: string; mono?: boolean; children: React.ReactNode }) {
  return (
    <DataList.Item>
      <DataList.ItemLabel ff={mono ? 'monospace' : undefined}>{label}</DataList.ItemLabel>
      <DataList.ItemValue style={{ wordBreak: 'break-word' }}>{children}</DataList.ItemValue>
    </DataList.Item>
  );
}

/** An event's facts: ids, the error, and its data as key/value pairs (never secrets; tokens as 8-character fingerprints). */
export function EventDetails({ event }: { event: ActivityEvent }) {
  const entries = Object.entries(event.data);
  return (
    <DataList labelWidth={200} aria-label={`Details of event ${event.id}`}>
      <Item label="Event">#{event.id}</Item>
      <Item label="Time">{new Date(event.at).toLocaleString()}</Item>
      {event.clientId !== null && (
        <Item label="Client ID">
          <Code>{event.clientId}</Code>
        </Item>
      )}
      {event.error !== null && (
        <Item label="Error sent to the client">
          <Code>{event.error}</Code>
        </Item>
      )}
      {event.reason !== null && <Item label="Reason (server side)">{event.reason}</Item>}
      {entries.map(([key, value]) => (
        <Item key={key} label={key} mono>
          <Text span size="sm" ff={typeof value === 'string' ? undefined : 'monospace'}>
            {formatDataValue(value)}
          </Text>
        </Item>
      ))}
      {entries.length === 0 && (
        <Item label="Data">
          <Text span size="sm" c="dimmed">
            No further data.
          </Text>
        </Item>
      )}
    </DataList>
  );
}
