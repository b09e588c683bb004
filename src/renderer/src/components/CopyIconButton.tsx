import { ActionIcon, CopyButton, Tooltip, VisuallyHidden } from '@mantine/core';
import { CheckIcon, CopyIcon } from './icons';

/**
 * An icon button copying `value`; `label` is its accessible name (e.g. "Copy
 * client ID"). The name is visually hidden text rather than aria-label, so a
 * lookup by label ("Client ID") finds the field, not its copy button.
 */
export function CopyIconButton({ value, label }: { value: string; label: string }) {
  return (
    <CopyButton value={value} timeout={1500}>
      {({ copied, copy }) => (
        <Tooltip label={copied ? 'Copied' : label} withArrow position="left">
          <ActionIcon variant="subtle" color={copied ? 'teal' : 'gray'} onClick={copy}>
            {copied ? <CheckIcon /> : <CopyIcon />}
            <VisuallyHidden>{label}</VisuallyHidden>
          </ActionIcon>
        </Tooltip>
      )}
    </CopyButton>
  );
}
