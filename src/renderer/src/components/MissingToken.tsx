import { Alert, Code, Container, Stack, Text, Title } from '@mantine/core';

/** Browser mode without an admin token: explains where the admin link is. */
export function MissingToken() {
  return (
    <Container size="sm" py={80}>
      <Stack>
        <Title order={1}>MCP Auth Desk</Title>
        <Alert color="yellow" title="Admin token missing">
          <Stack gap="xs">
            <Text size="sm">Open the admin link that <Code>npm run serve</Code> printed (it contains the admin token).</Text>
            <Text size="sm">
              It looks like <Code>http://127.0.0.1:&lt;port&gt;/admin/#token=…</Code>. The token is also stored in the
              file <Code>admin-token</Code> of the data folder.
            </Text>
          </Stack>
        </Alert>
      </Stack>
    </Container>
  );
}
