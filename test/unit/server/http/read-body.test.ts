import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { HttpError, readBody } from '../../../../src/main/server/http/body';

/**
 * readBody on real node:http requests: a body sent in several chunks, one that
 * grows past the limit while it streams (no Content-Length), and a client that
 * goes away before its body ended. Each must settle: a request that hangs here
 * would hold a connection and a unit of work forever.
 */

interface Sent {
  chunks: string[];
  /** Abort after the chunks instead of ending the body. */
  abort?: boolean;
}

async function serverRead(sent: Sent, limit: number): Promise<{ outcome: unknown; destroyed: boolean }> {
  let settle!: (value: { outcome: unknown; destroyed: boolean }) => void;
  const done = new Promise<{ outcome: unknown; destroyed: boolean }>((resolve) => (settle = resolve));
  const sockets = new Set<Socket>();
  const server = createServer((req: IncomingMessage, res) => {
    readBody(req, limit).then(
      (body) => {
        settle({ outcome: body.toString('utf8'), destroyed: req.destroyed });
        res.end('ok');
      },
      (error: unknown) => {
        settle({ outcome: error, destroyed: req.destroyed });
        if (!res.headersSent && !res.destroyed) res.end('error');
      },
    );
  });
  server.on('connection', (socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const client = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/token', headers: { 'content-type': 'text/plain' } });
  client.on('error', () => undefined); // aborted or reset on purpose
  client.on('response', (res) => res.resume());
  for (const chunk of sent.chunks) {
    client.write(chunk);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  if (sent.abort) client.destroy();
  else client.end();
  const result = await done;
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return result;
}

describe('readBody', () => {
  it('refuses a body whose Content-Length is over the limit before reading any of it', async () => {
    const req = { headers: { 'content-length': '101' }, on: () => { throw new Error('read the body'); } } as unknown as IncomingMessage;
    await expect(readBody(req, 100)).rejects.toMatchObject({ status: 413 });
  });

  it('answers an empty body for a request whose body was already read, and fails for one already destroyed', async () => {
    const ended = { headers: {}, readableEnded: true, destroyed: false } as unknown as IncomingMessage;
    expect((await readBody(ended)).length).toBe(0);
    const destroyed = { headers: {}, readableEnded: false, destroyed: true } as unknown as IncomingMessage;
    await expect(readBody(destroyed)).rejects.toMatchObject({ code: 'ERR_STREAM_PREMATURE_CLOSE' });
  });

  it('joins a body sent in several chunks (chunked transfer encoding)', async () => {
    const { outcome } = await serverRead({ chunks: ['grant_type=', 'client_', 'credentials'] }, 1024);
    expect(outcome).toBe('grant_type=client_credentials');
  });

  it('refuses with 413 as soon as a streamed body passes the limit, and stops reading it', async () => {
    const { outcome, destroyed } = await serverRead({ chunks: ['a'.repeat(60), 'b'.repeat(60), 'c'.repeat(60)] }, 100);
    expect(outcome).toBeInstanceOf(HttpError);
    expect((outcome as HttpError).status).toBe(413);
    expect(destroyed).toBe(true);
  });

  it('fails, rather than waiting forever, when the client goes away before the body ended', async () => {
    const { outcome } = await serverRead({ chunks: ['grant_type='], abort: true }, 1024);
    expect(outcome).toBeInstanceOf(Error);
    expect(outcome).not.toBeInstanceOf(HttpError);
  });
});
