import type { ApprovalDecision, ClientApproval, DormantClient, RegistrationSettings } from '../../shared/registration';
import type { SqliteDatabase } from '../store/database';
import { EngineStore } from '../store/engine-store';
import { RegistrationSettingsStore } from '../store/registration-settings';
import type { AuditTrail } from './audit';
import { notFound } from './failure';

/** Self-registration policy, approvals of metadata-document clients, and clean-up of dormant self-registered clients. */

interface ApprovalRow {
  client_id: string;
  host: string;
  client_name: string | null;
  decision: ApprovalDecision;
  first_seen_at: number;
  decided_at: number | null;
  decided_by: string | null;
}

const toApproval = (row: ApprovalRow): ClientApproval => ({
  clientId: row.client_id,
  host: row.host,
  clientName: row.client_name,
  decision: row.decision,
  firstSeenAt: row.first_seen_at,
  decidedAt: row.decided_at,
  decidedBy: row.decided_by,
});

export class RegistrationAdmin {
  readonly #db: SqliteDatabase;
  readonly #now: () => number;
  readonly #audit: AuditTrail;
  readonly #settings: RegistrationSettingsStore;

  constructor(db: SqliteDatabase, now: () => number, audit: AuditTrail) {
    this.#db = db;
    this.#now = now;
    this.#audit = audit;
    this.#settings = new RegistrationSettingsStore(db);
  }

  getSettings(): RegistrationSettings {
    return this.#settings.get();
  }

  updateSettings(settings: RegistrationSettings): RegistrationSettings {
    this.#db.transaction(() => {
      this.#settings.set(settings);
      const m = settings.metadataDocuments;
      const d = settings.dynamicRegistration;
      this.#audit.record({
        type: 'settings.changed',
        outcome: 'info',
        summary: `Registration settings changed by ${this.#audit.actor}: metadata documents ${m.enabled ? `on (${m.trust})` : 'off'}, DCR ${d.enabled ? `on (${d.redirectRule})` : 'off'}`,
        data: { registrationSettings: settings },
      });
    })();
    return this.#settings.get();
  }

  listApprovals(decision?: ApprovalDecision): ClientApproval[] {
    const rows = this.#db
      .prepare('SELECT * FROM client_approvals WHERE (@decision IS NULL OR decision = @decision) ORDER BY first_seen_at DESC')
      .all({ decision: decision ?? null }) as ApprovalRow[];
    return rows.map(toApproval);
  }

  /** Approve or block a metadata-document client_id (also one never seen: blocks ahead of time). */
  decide(clientId: string, decision: 'approved' | 'blocked'): ClientApproval {
    const host = URL.parse(clientId)?.host;
    if (!host) throw notFound(`A metadata-document client ${clientId}`);
    const now = this.#now();
    this.#db.transaction(() => {
      this.#db
        .prepare(`
          INSERT INTO client_approvals (client_id, host, decision, first_seen_at, decided_at, decided_by)
          VALUES (@clientId, @host, @decision, @now, @now, @actor)
          ON CONFLICT (client_id) DO UPDATE SET decision = excluded.decision, decided_at = excluded.decided_at, decided_by = excluded.decided_by`)
        .run({ clientId, host, decision, now, actor: this.#audit.actor });
      // A blocked client keeps nothing: its consents and tokens go.
      if (decision === 'blocked') this.#db.prepare('DELETE FROM grants WHERE client_id = ?').run(clientId);
      this.#audit.record({
        type: decision === 'approved' ? 'client.enabled' : 'client.disabled',
        outcome: 'success',
        clientId,
        summary: `${decision === 'approved' ? 'Approved' : 'Blocked'} by ${this.#audit.actor} (metadata document at ${host})`,
        data: { decision },
      });
    })();
    return toApproval(this.#db.prepare('SELECT * FROM client_approvals WHERE client_id = ?').get(clientId) as ApprovalRow);
  }

  /**
   * Self-registered clients without an access token issued for `days` days (or
   * never used and older than that), and with no live token or consent.
   */
  listDormant(days: number): DormantClient[] {
    const now = this.#now();
    const rows = this.#db
      .prepare(`
        SELECT c.client_id, c.client_name, c.created_at, c.last_used_at FROM clients c
        WHERE c.registration_type = 'dynamic'
          AND COALESCE(c.last_used_at, c.created_at) < @cutoff
          AND NOT EXISTS (SELECT 1 FROM tokens t WHERE t.client_id = c.client_id
                            AND t.kind IN ('AccessToken', 'RefreshToken', 'ClientCredentials')
                            AND t.expires_at > @now AND t.consumed_at IS NULL)
          AND NOT EXISTS (SELECT 1 FROM grants g WHERE g.client_id = c.client_id AND (g.expires_at IS NULL OR g.expires_at > @now))
        ORDER BY COALESCE(c.last_used_at, c.created_at)`)
      .all({ cutoff: now - days * 86_400_000, now }) as { client_id: string; client_name: string | null; created_at: number; last_used_at: number | null }[];
    return rows.map((row) => ({ clientId: row.client_id, name: row.client_name, createdAt: row.created_at, lastUsedAt: row.last_used_at }));
  }

  /** Removes dormant clients (all of them, or those listed that are still dormant), never one with a live token or consent. */
  removeDormant(days: number, clientIds?: string[]): { removed: number } {
    const store = new EngineStore(this.#db, this.#now);
    return this.#db.transaction(() => {
      const wanted = clientIds ? new Set(clientIds) : undefined;
      const dormant = this.listDormant(days).filter((client) => !wanted || wanted.has(client.clientId));
      for (const client of dormant) store.destroy('Client', client.clientId);
      if (dormant.length) {
        this.#audit.record({
          type: 'client.deleted',
          outcome: 'success',
          summary: `${dormant.length} dormant self-registered client(s) removed by ${this.#audit.actor} (unused for ${days} days)`,
          data: { clientIds: dormant.map((client) => client.clientId), days },
        });
      }
      return { removed: dormant.length };
    })();
  }
}
