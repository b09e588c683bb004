import { Container, Text, Title } from '@mantine/core';

export function App() {
  return (
    <Container size="sm" py="xl">
      <Title order={1}>MCP Auth Desk</Title>
      <Text c="dimmed">The admin views arrive with the desktop admin app.</Text>
    </Container>
  );
}
