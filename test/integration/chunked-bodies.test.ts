import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/main/server/create-server';
import { startTestServer, TEST_USERNAME } from '../helpers/server';
import { CALLBACK, callWhoami, codeFor } from '../helpers/oauth';

/**
 * Bodies sent without a Content-Length (Transfer-Encoding: chunked, in several
 * chunks). The router reads these bodies itself (client throttling, the token
 * form's resource, the registration policy) and hands the engine a replayed
 * request with a length; the engine must read the same body.
 */

let server: RunningServer & { removeDataDir: () => void };

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server.close();
  server.removeDataDir();
});

function postChunked(path: string, contentType: string, chunks: string[]): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(`${server.issuer}${path}`, { method: 'POST', headers: { 'content-type': contentType, 'transfer-encoding': 'chunked' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) as Record<string, unknown> }));
    });
    req.on('error', reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

/** Splits a string into three chunks. */
const inThree = (text: string) => [text.slice(0, 5), text.slice(5, 20), text.slice(20)];

describe('chunked request bodies', () => {
  it('a registration sent in chunks registers the client it describes', async () => {
    const metadata = { client_name: 'Chunked client', redirect_uris: [CALLBACK], token_endpoint_auth_method: 'none' };
    const { status, body } = await postChunked('/register', 'application/json', inThree(JSON.stringify(metadata)));
    expect(status).toBe(201);
    expect(body).toMatchObject({ client_name: 'Chunked client', redirect_uris: [CALLBACK] });
  });

  it('a code exchange sent in chunks issues tokens that work', async () => {
    const { clientId, code, verifier } = await codeFor(server.issuer, TEST_USERNAME);
    const form = new URLSearchParams({ grant_type: 'authorization_code', client_id: clientId, code, code_verifier: verifier, redirect_uri: CALLBACK });
    const { status, body } = await postChunked('/token', 'application/x-www-form-urlencoded', inThree(form.toString()));
    expect(status).toBe(200);
    expect((await callWhoami(`http://localhost:${server.port}/mcp`, body.access_token as string)).status).toBe(200);
  });

  it('a malformed JSON registration sent in chunks is refused as such', async () => {
    const { status, body } = await postChunked('/register', 'application/json', ['{"client_name": ', '"x", ']);
    expect(status).toBe(400);
    expect(body.error).toBe('invalid_request');
  });
});
