import { describe, it, expect } from 'vitest';
import { Raw, escapeHtml, html, layout, raw } from '../../../../src/main/server/interaction/html';

const HOSTILE = '<img src=x onerror=alert(1)>';

describe('escapeHtml', () => {
  it('escapes & < > " \' and `', () => {
    expect(escapeHtml(`&<>"'\``)).toBe('&amp;&lt;&gt;&quot;&#39;&#96;');
  });

  it('turns null and undefined into an empty string and stringifies others', () => {
    expect(escapeHtml(null)).toBe('');
    expect(escapeHtml(undefined)).toBe('');
    expect(escapeHtml(0)).toBe('0');
  });
});

describe('html tagged template', () => {
  it('escapes interpolations', () => {
    const out = html`<p>${HOSTILE}</p>`;
    expect(out).toBeInstanceOf(Raw);
    expect(out.html).toBe('<p>&lt;img src=x onerror=alert(1)&gt;</p>');
  });

  it('passes raw() through unescaped', () => {
    expect(html`<div>${raw('<b>ok</b>')}</div>`.html).toBe('<div><b>ok</b></div>');
  });

  it('nests: an html result is not escaped again', () => {
    expect(html`<ul>${html`<li>${'a&b'}</li>`}</ul>`.html).toBe('<ul><li>a&amp;b</li></ul>');
  });

  it('joins arrays without separators, escaping plain items and passing Raw items', () => {
    const items = ['<a>', raw('<br>'), html`<li>${'"q"'}</li>`];
    expect(html`${items}`.html).toBe('&lt;a&gt;<br><li>&quot;q&quot;</li>');
  });

  it('never lets a hostile value appear unescaped, in attributes or lists', () => {
    const out = html`<a title="${HOSTILE}">${[HOSTILE, HOSTILE]}</a>`.html;
    expect(out).not.toContain('<img');
    expect(out).not.toContain('"<');
  });

  it('layout escapes the title', () => {
    const page = layout(HOSTILE, html`<h1>${HOSTILE}</h1>`);
    expect(page).not.toContain('<img');
    expect(page).toContain('<title>&lt;img src=x onerror=alert(1)&gt; · MCP Auth Desk</title>');
  });
});
