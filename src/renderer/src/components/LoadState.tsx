import { Alert, Button, Center, Code, Loader, Stack, Text } from '@mantine/core';
import type { AdminError } from '../../../shared/dto';

export function PageLoader({ label = 'Loading' }: { label?: string }) {
  return (
    <Center py="xl">
      <Loader aria-label={label} />
    </Center>
  );
}

/** A failed load: the Result's message and a Retry button. */
export function ErrorAlert({ error, onRetry, title = 'Could not load' }: { error: AdminError; onRetry: () => void; title?: string }) {
  return (
    <Alert color="red" title={title} role="alert">
      <Stack gap="sm" align="flex-start">
        <Text size="sm">{error.message}</Text>
        {error.code === 'forbidden' && (
          <Text size="sm">Open the admin link that <Code>npm run serve</Code> printed (it contains the admin token).</Text>
        )}
        <Button size="xs" variant="outline" color="red" onClick={onRetry}>
          Retry
        </Button>
      </Stack>
    </Alert>
  );
}
