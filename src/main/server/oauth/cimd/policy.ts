import type { KoaContextWithOIDC } from 'oidc-provider';
import type { SqliteDatabase } from '../../../store/database';
import type { EventLog } from '../../../store/events';
import { RegistrationSettingsStore, hostInDomains } from '../../../store/registration-settings';
import type { Engine } from '../engine';
import type { MetadataDocumentFetcher } from './document-fetcher';

/**
 * The admin's trust policy for Client ID Metadata Documents, applied through
 * the engine's `allowFetch` (before fetching) and `allowClient` (after a valid
 * document): enabled or not, blocked and allowed domains, blocked client_ids,
 * and approval of each new client_id. It also keeps the client's row in the
 * clients table (so the admin sees it) and drops its consents when its
 * document changes its redirect URIs.
 */

/** Marks the error page "waiting for administrator approval" (see interaction/pages.ts). */
export const PENDING_APPROVAL = Symbol('pendingApproval');

type ClientLike = { clientId: string; clientName?: string; redirectUris: string[]; metadata(): Record<string, unknown> };

export interface MetadataPolicyDeps {
  db: SqliteDatabase;
  errors: Engine['errors'];
  events: EventLog;
  fetcher: MetadataDocumentFetcher;
  now: () => number;
}

export function createMetadataDocumentPolicy(deps: MetadataPolicyDeps) {
  const { db, errors, events, fetcher, now } = deps;
  const settings = new RegistrationSettingsStore(db);
  const refuse = (reason: string) => new errors.InvalidClient('client_id metadata document not allowed', reason);
  const decisionOf = (clientId: string) =>
    (db.prepare('SELECT decision FROM client_approvals WHERE client_id = ?').get(clientId) as { decision: string } | undefined)?.decision;

  async function allowFetch(_ctx: KoaContextWithOIDC, clientId: string): Promise<boolean> {
    const policy = settings.get().metadataDocuments;
    if (!policy.enabled) throw refuse('Client ID Metadata Documents are turned off on this server');
    const url = new URL(clientId);
    // The draft requires a path: a bare origin is not a document.
    if (url.pathname === '/' || url.pathname === '') throw refuse('a metadata document URL must have a path');
    const host = url.hostname;
    if (hostInDomains(host, policy.blockedDomains)) throw refuse(`the domain ${host} is blocked`);
    if (decisionOf(clientId) === 'blocked') throw refuse('this client_id is blocked by the administrator');
    if (policy.trust === 'listed' && !hostInDomains(host, policy.allowedDomains)) {
      throw refuse(`${host} is not one of the domains allowed to register by metadata document`);
    }
    return true;
  }

  function keepClientRow(client: ClientLike, fetchedAt: number | undefined): void {
    const metadata = client.metadata();
    const existing = db.prepare('SELECT metadata FROM clients WHERE client_id = ?').get(client.clientId) as { metadata: string } | undefined;
    const at = now();
    db.transaction(() => {
      db.prepare(`
        INSERT INTO clients (client_id, registration_type, client_name, metadata, created_at, updated_at, document_fetched_at)
        VALUES (@id, 'metadata_document', @name, @metadata, @at, @at, @fetchedAt)
        ON CONFLICT (client_id) DO UPDATE SET
          client_name = excluded.client_name, metadata = excluded.metadata,
          updated_at = CASE WHEN clients.metadata = excluded.metadata THEN clients.updated_at ELSE excluded.updated_at END,
          document_fetched_at = COALESCE(excluded.document_fetched_at, clients.document_fetched_at)`)
        .run({ id: client.clientId, name: client.clientName ?? null, metadata: JSON.stringify(metadata), at, fetchedAt: fetchedAt ?? null });
      if (!existing) {
        events.record({
          type: 'client.registered',
          outcome: 'success',
          clientId: client.clientId,
          summary: `Identified by its metadata document at ${new URL(client.clientId).host}`,
          data: { method: 'metadata_document', redirectUris: client.redirectUris, documentUrl: client.clientId },
        });
        return;
      }
      const before = (JSON.parse(existing.metadata) as { redirect_uris?: string[] }).redirect_uris ?? [];
      if (JSON.stringify([...before].sort()) !== JSON.stringify([...client.redirectUris].sort())) {
        // New redirect URIs mean new places codes can go: earlier consents no longer hold.
        const revoked = db.prepare('DELETE FROM grants WHERE client_id = ?').run(client.clientId).changes;
        events.record({
          type: 'consent.revoked',
          outcome: 'info',
          clientId: client.clientId,
          summary: `Its metadata document changed its redirect URIs: ${revoked} consent(s) revoked, users are asked again`,
          data: { before, after: client.redirectUris, revokedConsents: revoked },
        });
      }
    })();
  }

  async function allowClient(_ctx: KoaContextWithOIDC, client: ClientLike): Promise<boolean> {
    const policy = settings.get().metadataDocuments;
    const disabled = db.prepare('SELECT disabled FROM clients WHERE client_id = ?').get(client.clientId) as { disabled: number } | undefined;
    if (disabled?.disabled === 1) throw refuse('this client is disabled by the administrator');
    if (policy.trust === 'approval') {
      const decision = decisionOf(client.clientId);
      if (decision === 'blocked') throw refuse('this client_id is blocked by the administrator');
      if (decision !== 'approved') {
        if (decision === undefined) {
          db.prepare(`
            INSERT OR IGNORE INTO client_approvals (client_id, host, decision, client_name, first_seen_at)
            VALUES (?, ?, 'pending', ?, ?)`).run(client.clientId, new URL(client.clientId).host, client.clientName ?? null, now());
          events.record({
            type: 'client.registered',
            outcome: 'info',
            clientId: client.clientId,
            summary: `Waiting for administrator approval (metadata document at ${new URL(client.clientId).host})`,
            data: { method: 'metadata_document', pendingApproval: true },
          });
        }
        fetcher.invalidate(client.clientId);
        const error = refuse('waiting for administrator approval');
        Object.defineProperty(error, PENDING_APPROVAL, { value: true });
        throw error;
      }
    }
    keepClientRow(client, fetcher.confirm(client.clientId));
    return true;
  }

  return { allowFetch, allowClient, settings };
}
