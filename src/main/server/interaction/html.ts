import type { ServerResponse } from 'node:http';

/**
 * Server-rendered pages (sign-in, consent, errors). No scripts and no external
 * assets; every client-supplied string passes through `escapeHtml`.
 */

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"'`]/g, (c) => ESCAPES[c]!);
}

/** Tagged template whose interpolations are escaped unless wrapped in `raw()`. */
export class Raw {
  constructor(readonly html: string) {}
}
export const raw = (html: string) => new Raw(html);

export function html(strings: TemplateStringsArray, ...values: unknown[]): Raw {
  let out = strings[0]!;
  values.forEach((value, i) => {
    if (value instanceof Raw) out += value.html;
    else if (Array.isArray(value)) out += value.map((v) => (v instanceof Raw ? v.html : escapeHtml(v))).join('');
    else out += escapeHtml(value);
    out += strings[i + 1]!;
  });
  return new Raw(out);
}

/**
 * No script runs on these pages; framing is refused (clickjacking, SECURITY_CASES
 * G.63). There is deliberately no form-action: Chrome applies it to the redirect
 * chain after the consent POST, which ends at the client's redirect URI.
 */
export const PAGE_CSP =
  "default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

export function setPageHeaders(set: (name: string, value: string) => void): void {
  set('Content-Security-Policy', PAGE_CSP);
  set('X-Frame-Options', 'DENY');
  set('Cache-Control', 'no-store');
  // Not no-referrer: with it, Chrome sends `Origin: null` on our own form posts, which the
  // same-origin check must refuse. same-origin still sends nothing to other sites.
  set('Referrer-Policy', 'same-origin');
}

export function layout(title: string, body: Raw, options: { refreshSeconds?: number } = {}): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
${options.refreshSeconds ? raw(`<meta http-equiv="refresh" content="${options.refreshSeconds}">`) : ''}
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · MCP Auth Desk</title>
<link rel="stylesheet" href="/static/pages.css">
</head>
<body>
<main class="card">
<p class="brand">MCP Auth Desk</p>
${body}
</main>
</body>
</html>
`.html;
}

export function sendPage(res: ServerResponse, status: number, title: string, body: Raw): void {
  const page = layout(title, body);
  res.statusCode = status;
  setPageHeaders((name, value) => res.setHeader(name, value));
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(page));
  res.end(page);
}

export const PAGES_CSS = `
:root { color-scheme: light dark; --accent: #1c7ed6; --muted: #6b7280; --border: #d0d7de; --bg: #f6f8fa; --card: #fff; --danger: #c92a2a; }
@media (prefers-color-scheme: dark) { :root { --border: #3a3f44; --bg: #101113; --card: #1a1b1e; --muted: #a0a4a8; } }
* { box-sizing: border-box; }
body { margin: 0; min-height: 100vh; display: flex; align-items: center; justify-content: center; background: var(--bg);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
.card { width: min(440px, calc(100vw - 32px)); background: var(--card); border: 1px solid var(--border); border-radius: 12px; padding: 28px 32px; margin: 24px 0; }
.brand { margin: 0 0 4px; font-size: 12px; letter-spacing: .08em; text-transform: uppercase; color: var(--muted); font-weight: 600; }
h1 { font-size: 22px; margin: 0 0 12px; }
p { margin: 8px 0; }
.muted { color: var(--muted); font-size: 13px; }
label { display: block; font-weight: 600; margin: 14px 0 4px; }
input[type=text], input[type=password] { width: 100%; padding: 9px 11px; border: 1px solid var(--border); border-radius: 8px; font: inherit; background: transparent; color: inherit; }
input:focus-visible, button:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
.actions { display: flex; gap: 10px; margin-top: 22px; }
button { flex: 1; padding: 10px 14px; border-radius: 8px; border: 1px solid var(--border); font: inherit; font-weight: 600; cursor: pointer; background: transparent; color: inherit; }
button.primary { background: var(--accent); border-color: var(--accent); color: #fff; }
.alert { border: 1px solid var(--danger); color: var(--danger); border-radius: 8px; padding: 8px 12px; margin: 12px 0; }
.notice { border: 1px solid var(--border); border-radius: 8px; padding: 8px 12px; margin: 12px 0; font-size: 13px; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 6px 14px; margin: 16px 0; font-size: 14px; }
dt { color: var(--muted); }
dd { margin: 0; overflow-wrap: anywhere; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 13px; }
ul.scopes { padding-left: 20px; margin: 6px 0; }
.badge { display: inline-block; font-size: 11px; font-weight: 600; padding: 1px 8px; border-radius: 999px; border: 1px solid var(--border); color: var(--muted); vertical-align: middle; margin-left: 6px; }
`;
