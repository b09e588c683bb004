import { TextInput } from '@mantine/core';
import { CopyIconButton } from './CopyIconButton';

/** A read-only, monospaced value with a copy button. */
export function CopyField({ label, value, copyLabel }: { label: string; value: string; copyLabel: string }) {
  return (
    <TextInput
      label={label}
      value={value}
      readOnly
      onFocus={(event) => event.currentTarget.select()}
      styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
      rightSection={<CopyIconButton value={value} label={copyLabel} />}
    />
  );
}
