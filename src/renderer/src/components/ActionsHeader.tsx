import { Table, VisuallyHidden } from '@mantine/core';

/** The header cell over a table's row buttons: named for screen readers, blank on screen. */
export function ActionsHeader() {
  return (
    <Table.Th>
      <VisuallyHidden>Actions</VisuallyHidden>
    </Table.Th>
  );
}
