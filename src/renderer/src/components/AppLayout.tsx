import { AppShell, Group, NavLink, Text, ThemeIcon } from '@mantine/core';
import type { Route } from '../lib/route';
import { ActivityIcon, AppsIcon, KeyIcon, ServerIcon, UsersIcon } from './icons';
import { ServerBanners } from './ServerBanners';

const LINKS = [
  { href: '#/clients', label: 'Clients', icon: <AppsIcon />, pages: ['clients', 'client'] },
  { href: '#/activity', label: 'Activity', icon: <ActivityIcon />, pages: ['activity'] },
  { href: '#/users', label: 'Users', icon: <UsersIcon />, pages: ['users'] },
  { href: '#/server', label: 'Server', icon: <ServerIcon />, pages: ['server'] },
] as const;

/** Header "MCP Auth Desk", the navbar, the server's warnings and the page. */
export function AppLayout({ route, children }: { route: Route; children: React.ReactNode }) {
  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 220, breakpoint: 0 }} padding="lg">
      <AppShell.Header>
        <Group h="100%" px="md" gap="sm">
          <ThemeIcon variant="light" size="lg" radius="md" aria-hidden>
            <KeyIcon size={18} />
          </ThemeIcon>
          <Text fw={700} size="lg">
            MCP Auth Desk
          </Text>
          <Text size="sm" c="dimmed" visibleFrom="sm">
            OAuth 2.1 authorization server administration
          </Text>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" component="nav" aria-label="Main">
        {LINKS.map((link) => {
          const active = (link.pages as readonly string[]).includes(route.page);
          return (
            <NavLink
              key={link.href}
              component="a"
              href={link.href}
              label={link.label}
              leftSection={link.icon}
              active={active}
              aria-current={active ? 'page' : undefined}
              variant="light"
              styles={{ root: { borderRadius: 'var(--mantine-radius-sm)' } }}
            />
          );
        })}
      </AppShell.Navbar>
      <AppShell.Main>
        <ServerBanners />
        {children}
      </AppShell.Main>
    </AppShell>
  );
}
