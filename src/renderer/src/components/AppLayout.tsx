import { AppShell, Badge, Group, NavLink, Text, ThemeIcon, VisuallyHidden } from '@mantine/core';
import { usePendingApprovalCount } from '../hooks/useApprovals';
import type { Route } from '../lib/route';
import { ActivityIcon, AppsIcon, IdCardIcon, KeyIcon, ServerIcon, UsersIcon } from './icons';
import { ServerBanners } from './ServerBanners';

const LINKS = [
  { href: '#/clients', label: 'Clients', icon: <AppsIcon />, pages: ['clients', 'client'] },
  { href: '#/activity', label: 'Activity', icon: <ActivityIcon />, pages: ['activity'] },
  { href: '#/registration', label: 'Registration', icon: <IdCardIcon />, pages: ['registration'] },
  { href: '#/users', label: 'Users', icon: <UsersIcon />, pages: ['users'] },
  { href: '#/server', label: 'Server', icon: <ServerIcon />, pages: ['server'] },
] as const;

const PENDING_DESCRIPTION_ID = 'pending-approvals-description';

/**
 * The number of clients waiting for approval, on the Registration link. The
 * badge is hidden from the link's name (which stays "Registration"); the link
 * is described by a sentence instead.
 */
function PendingBadge({ count }: { count: number }) {
  if (count === 0) return null;
  return (
    <Badge size="sm" circle={count < 10} color="orange" aria-hidden title={`${count} waiting for approval`}>
      {count}
    </Badge>
  );
}

/** Header "MCP Auth Desk", the navbar, the server's warnings and the page. */
export function AppLayout({ route, children }: { route: Route; children: React.ReactNode }) {
  const pending = usePendingApprovalCount();
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
          const withPending = link.href === '#/registration' && pending > 0;
          return (
            <NavLink
              key={link.href}
              component="a"
              href={link.href}
              label={link.label}
              leftSection={link.icon}
              rightSection={link.href === '#/registration' ? <PendingBadge count={pending} /> : undefined}
              active={active}
              aria-current={active ? 'page' : undefined}
              aria-describedby={withPending ? PENDING_DESCRIPTION_ID : undefined}
              variant="light"
              styles={{ root: { borderRadius: 'var(--mantine-radius-sm)' } }}
            />
          );
        })}
        {pending > 0 && (
          <VisuallyHidden id={PENDING_DESCRIPTION_ID}>
            {pending === 1 ? '1 client is waiting for approval' : `${pending} clients are waiting for approval`}
          </VisuallyHidden>
        )}
      </AppShell.Navbar>
      <AppShell.Main>
        <ServerBanners />
        {children}
      </AppShell.Main>
    </AppShell>
  );
}
