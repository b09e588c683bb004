import { getAdminToken, isBrowserMode } from './api';
import { AppLayout } from './components/AppLayout';
import { MissingToken } from './components/MissingToken';
import { useRoute } from './hooks/useRoute';
import { ActivityPage } from './pages/activity/ActivityPage';
import { ClientDetailPage } from './pages/client/ClientDetailPage';
import { ClientsPage } from './pages/clients/ClientsPage';
import { RegistrationPage } from './pages/registration/RegistrationPage';
import { ServerPage } from './pages/server/ServerPage';
import { UsersPage } from './pages/users/UsersPage';

export function App() {
  const route = useRoute();
  if (isBrowserMode && !getAdminToken()) return <MissingToken />;
  return (
    <AppLayout route={route}>
      {route.page === 'clients' && <ClientsPage />}
      {route.page === 'client' && <ClientDetailPage key={route.clientId} clientId={route.clientId} />}
      {route.page === 'activity' && <ActivityPage />}
      {route.page === 'registration' && <RegistrationPage />}
      {route.page === 'users' && <UsersPage />}
      {route.page === 'server' && <ServerPage />}
    </AppLayout>
  );
}
