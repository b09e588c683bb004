import { Text } from '@mantine/core';
import { formatDate, relativeTime } from '../lib/format';

/** "3 min ago" with the full date in the title; "Never" for null. */
export function RelativeTime({ value, size = 'sm' }: { value: number | null; size?: string }) {
  if (value === null) {
    return (
      <Text span size={size} c="dimmed">
        Never
      </Text>
    );
  }
  return (
    <Text span size={size} title={formatDate(value)}>
      {relativeTime(value)}
    </Text>
  );
}
