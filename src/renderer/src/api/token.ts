/**
 * Browser mode: the admin token arrives once in the URL fragment
 * (`/admin/#token=...`), is kept in sessionStorage and leaves the address bar.
 */

const STORAGE_KEY = 'mad-admin-token';

/** Moves a token from location.hash into sessionStorage; call once before rendering. */
export function captureAdminToken(): void {
  const hash = window.location.hash.replace(/^#/, '');
  if (!hash.startsWith('token=') && !hash.includes('&token=')) return;
  const token = new URLSearchParams(hash).get('token')?.trim();
  if (token) sessionStorage.setItem(STORAGE_KEY, token);
  const url = `${window.location.pathname}${window.location.search}#/clients`;
  window.history.replaceState(null, '', url);
}

export function getAdminToken(): string | null {
  return sessionStorage.getItem(STORAGE_KEY);
}
