import { createAdminService, type AdminService, type AdminServiceDeps } from '../../src/main/admin/service';
import type { RunningServer } from '../../src/main/server/create-server';
import type { Result } from '../../src/shared/dto';

/** The admin service on a running test server's database, as the desktop app creates it (override any dependency). */
export function adminServiceFor(server: RunningServer, deps: Partial<AdminServiceDeps> = {}): AdminService {
  return createAdminService({
    db: server.db,
    events: server.events,
    transport: 'ipc',
    serverState: () => server.status(),
    refreshMetadataDocument: (clientId) => server.refreshMetadataDocument(clientId),
    ...deps,
  });
}

/** The value of a successful admin operation; a failure throws with its code and message. */
export function value<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value;
}
