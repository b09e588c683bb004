import { SCOPES } from '../oauth/scopes';

/** The scope each tool needs; a token without it gets 403 insufficient_scope before the tool runs. */
export const TOOL_SCOPES: Readonly<Record<string, string>> = {
  whoami: SCOPES.whoami,
  echo: SCOPES.echo,
};

/** Facts about the caller that `whoami` reports, taken from the token the request carried. */
export interface CallerIdentity {
  username: string | null;
  displayName: string | null;
  accountId: string | null;
  clientId: string;
  scopes: string[];
  aud: string;
  expiresAt: number;
  grantType: 'authorization_code' | 'client_credentials';
}
