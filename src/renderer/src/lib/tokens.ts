import type { RuleStatus, TokenKind, TokenStatus } from '../../../shared/dto';

export const TOKEN_KIND_LABELS: Record<TokenKind, string> = {
  AccessToken: 'Access token',
  RefreshToken: 'Refresh token',
  ClientCredentials: 'Client credentials',
  AuthorizationCode: 'Authorization code',
  RegistrationAccessToken: 'Registration token',
};

export const TOKEN_STATUS: Record<TokenStatus, { label: string; color: string }> = {
  active: { label: 'Active', color: 'green' },
  expired: { label: 'Expired', color: 'gray' },
  consumed: { label: 'Used', color: 'orange' },
};

export const RULE_STATUS: Record<RuleStatus, { label: string; color: string }> = {
  pass: { label: 'Pass', color: 'green' },
  warning: { label: 'Warning', color: 'yellow' },
  fail: { label: 'Fail', color: 'red' },
  not_observed: { label: 'Not observed', color: 'gray' },
};

/**
 * The server's default lifetimes (src/main/server/defaults.ts), shown next to
 * the per-client overrides. The renderer cannot import main; keep in step.
 */
export const DEFAULT_ACCESS_TOKEN_TTL_SECONDS = 60 * 60;
export const DEFAULT_REFRESH_TOKEN_TTL_SECONDS = 30 * 24 * 60 * 60;
export const MIN_ACCESS_TOKEN_TTL_SECONDS = 10;
export const MIN_REFRESH_TOKEN_TTL_SECONDS = 30;
