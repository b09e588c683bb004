/**
 * How far the server trusts clients that register themselves: by Client ID
 * Metadata Document (the client_id is an https URL of a JSON document) or by
 * Dynamic Client Registration.
 */

export type MetadataTrust = 'any' | 'listed' | 'approval';
export type DcrRedirectRule = 'any' | 'loopback' | 'loopback_private_use' | 'loopback_private_use_listed_https';

export interface RegistrationSettings {
  metadataDocuments: {
    /** Off: `client_id_metadata_document_supported` is not advertised and URL client_ids are refused; clients fall back to DCR. */
    enabled: boolean;
    /** any domain / only `allowedDomains` / an admin approves each new client_id once. */
    trust: MetadataTrust;
    /** For `listed`: a domain admits itself and its subdomains. */
    allowedDomains: string[];
    /** Always refused (a domain and its subdomains). */
    blockedDomains: string[];
    /**
     * Hosts whose documents may be fetched from private or loopback addresses
     * (for a developer's own document served on this machine). "host" or "host:port".
     */
    privateHostsAllowed: string[];
  };
  dynamicRegistration: {
    enabled: boolean;
    redirectRule: DcrRedirectRule;
    /** For `loopback_private_use_listed_https`: https redirect URIs must be on one of these hosts. */
    allowedHttpsHosts: string[];
    /** At most this many self-registered clients; null: no limit. */
    maxClients: number | null;
    /** At most this many registrations per minute (429 beyond); null: no limit. */
    perMinute: number | null;
  };
}

export const DEFAULT_REGISTRATION_SETTINGS: RegistrationSettings = {
  metadataDocuments: { enabled: true, trust: 'any', allowedDomains: [], blockedDomains: [], privateHostsAllowed: [] },
  dynamicRegistration: {
    enabled: true,
    redirectRule: 'any',
    allowedHttpsHosts: [],
    maxClients: 2000,
    perMinute: 120,
  },
};

export type ApprovalDecision = 'pending' | 'approved' | 'blocked';

export interface ClientApproval {
  clientId: string;
  host: string;
  clientName: string | null;
  decision: ApprovalDecision;
  firstSeenAt: number;
  decidedAt: number | null;
  decidedBy: string | null;
}

/** A self-registered client that has not been used for a while. */
export interface DormantClient {
  clientId: string;
  name: string | null;
  createdAt: number;
  lastUsedAt: number | null;
}
