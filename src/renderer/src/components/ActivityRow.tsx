import { useState } from 'react';
import { ActionIcon, Anchor, Badge, Box, Code, Collapse, Table, Text } from '@mantine/core';
import type { ActivityEvent } from '../../../shared/events';
import { OUTCOME_COLORS } from '../lib/activity';
import { formatClock } from '../lib/format';
import { clientHref } from '../lib/route';
import { EventDetails } from './EventDetails';
import { ChevronIcon } from './icons';
import { RelativeTime } from './RelativeTime';

/** What went wrong, visibly: the OAuth error code the client got and the plain-language reason. */
function Failure({ event }: { event: ActivityEvent }) {
  if (event.error === null && event.reason === null) return null;
  return (
    <Text size="xs" c="red.8" mt={4}>
      {event.error !== null && (
        <Code color="red.1" c="red.9" fw={600} mr={6}>
          {event.error}
        </Code>
      )}
      {event.reason}
    </Text>
  );
}

/** One event: a row, and its details below when expanded. */
export function ActivityRow({ event, showClient }: { event: ActivityEvent; showClient: boolean }) {
  const [open, setOpen] = useState(false);
  const detailsId = `activity-event-${event.id}`;
  const failed = event.outcome === 'failure';
  // Failures are marked by a red edge, so the red badge and error code keep their contrast.
  const edge = { borderLeft: `3px solid ${failed ? 'var(--mantine-color-red-filled)' : 'transparent'}` };
  return (
    <>
      <Table.Tr style={{ borderBottom: 0 }}>
        <Table.Td w={44} pr={0} style={edge}>
          <ActionIcon
            variant="subtle"
            color="gray"
            aria-label={`Details of event ${event.id}`}
            aria-expanded={open}
            aria-controls={detailsId}
            onClick={() => setOpen((value) => !value)}
          >
            <Box component="span" style={{ display: 'flex', transition: 'transform 150ms', transform: open ? 'rotate(90deg)' : undefined }}>
              <ChevronIcon />
            </Box>
          </ActionIcon>
        </Table.Td>
        <Table.Td w={110}>
          <RelativeTime value={event.at} />
          <Text size="xs" c="dimmed">
            {formatClock(event.at)}
          </Text>
        </Table.Td>
        <Table.Td w={190}>
          <Badge variant="light" color={OUTCOME_COLORS[event.outcome]} tt="none" radius="sm" title={`Outcome: ${event.outcome}`}>
            {event.type}
          </Badge>
        </Table.Td>
        {showClient && (
          <Table.Td w={180} maw={180}>
            {event.clientId === null ? (
              <Text size="sm" c="dimmed">—</Text>
            ) : (
              <Anchor href={clientHref(event.clientId)} size="sm" display="block" truncate="end" title={event.clientName ?? event.clientId}>
                {event.clientName ?? event.clientId}
              </Anchor>
            )}
          </Table.Td>
        )}
        <Table.Td w={110}>
          <Text size="sm" c={event.username ? undefined : 'dimmed'}>
            {event.username ?? '—'}
          </Text>
        </Table.Td>
        <Table.Td>
          <Text size="sm" style={{ wordBreak: 'break-word' }}>
            {event.summary}
          </Text>
          <Failure event={event} />
        </Table.Td>
      </Table.Tr>
      <Table.Tr id={detailsId}>
        <Table.Td colSpan={showClient ? 6 : 5} p={0} style={edge}>
          <Collapse expanded={open} keepMounted={false}>
            <Box px="md" pb="md" pt={4} pl={56}>
              <EventDetails event={event} />
            </Box>
          </Collapse>
        </Table.Td>
      </Table.Tr>
    </>
  );
}
