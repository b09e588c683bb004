/** The admin UI's routes, kept in the URL fragment: '#/clients', '#/clients/<id>', '#/activity', '#/registration', '#/users', '#/server'. */
export type Route =
  | { page: 'clients' }
  | { page: 'client'; clientId: string }
  | { page: 'activity' }
  | { page: 'registration' }
  | { page: 'users' }
  | { page: 'server' };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#\/?/, '');
  const [section, ...rest] = path.split('/');
  if (section === 'clients' && rest.length > 0 && rest.join('/') !== '') {
    return { page: 'client', clientId: decodeURIComponent(rest.join('/')) };
  }
  if (section === 'activity') return { page: 'activity' };
  if (section === 'registration') return { page: 'registration' };
  if (section === 'users') return { page: 'users' };
  if (section === 'server') return { page: 'server' };
  return { page: 'clients' };
}

export const clientHref = (clientId: string) => `#/clients/${encodeURIComponent(clientId)}`;

export function navigate(hash: string): void {
  window.location.hash = hash;
}
