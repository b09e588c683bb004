/**
 * An in-memory OAuthClientProvider for the MCP SDK clients (v1 and v2 share the
 * shape), like the SDK's own simpleOAuthClient example: it remembers what the
 * SDK asks it to and records the authorization URL instead of opening a browser.
 */
export class MemoryOAuthClientProvider {
  clientInfo: Record<string, unknown> | undefined;
  savedTokens: { access_token: string; refresh_token?: string; token_type: string; expires_in?: number; scope?: string } | undefined;
  verifier = '';
  authorizationUrl: URL | undefined;
  readonly stateValue = `state-${Math.random().toString(36).slice(2)}`;
  discovery: unknown;
  /** Set to have the SDK identify the client by this Client ID Metadata Document URL (when the server supports it). */
  clientMetadataUrl: string | undefined;

  constructor(
    readonly callbackUrl: string,
    readonly metadata: Record<string, unknown> = {},
  ) {}

  get redirectUrl(): string {
    return this.callbackUrl;
  }

  get clientMetadata() {
    return {
      client_name: 'Auth Desk test client',
      redirect_uris: [this.callbackUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      ...this.metadata,
    };
  }

  state(): string {
    return this.stateValue;
  }

  clientInformation() {
    return this.clientInfo as never;
  }

  saveClientInformation(info: Record<string, unknown>): void {
    this.clientInfo = info;
  }

  tokens() {
    return this.savedTokens as never;
  }

  saveTokens(tokens: MemoryOAuthClientProvider['savedTokens']): void {
    this.savedTokens = tokens;
  }

  redirectToAuthorization(url: URL): void {
    this.authorizationUrl = url;
  }

  saveCodeVerifier(verifier: string): void {
    this.verifier = verifier;
  }

  codeVerifier(): string {
    return this.verifier;
  }

  saveDiscoveryState(state: unknown): void {
    this.discovery = state;
  }

  discoveryState() {
    return this.discovery as never;
  }

  invalidateCredentials(scope: 'all' | 'client' | 'tokens' | 'verifier' | 'discovery'): void {
    if (scope === 'all' || scope === 'client') this.clientInfo = undefined;
    if (scope === 'all' || scope === 'tokens') this.savedTokens = undefined;
    if (scope === 'all' || scope === 'discovery') this.discovery = undefined;
  }
}
