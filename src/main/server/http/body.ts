import type { IncomingMessage, ServerResponse } from 'node:http';
import { MAX_BODY_BYTES } from '../defaults';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

const prematureClose = () => Object.assign(new Error('the request closed before its body ended'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });

/**
 * Reads the whole request body, refusing more than `limit` bytes (413) before buffering them.
 * With listeners rather than `for await`: the stream's async iterator cost about 10 µs on
 * every token request. Like the iterator, it destroys the request when it stops reading
 * early (too large), and fails when the request closes before its end.
 */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    return Promise.reject(new HttpError(413, 'invalid_request', `request body is larger than ${limit} bytes`));
  }
  if (req.readableEnded) return Promise.resolve(Buffer.alloc(0));
  if (req.destroyed) return Promise.reject(prematureClose());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (error: Error | undefined) => {
      req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      if (error) reject(error);
      else resolve(Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      settle(new HttpError(413, 'invalid_request', `request body is larger than ${limit} bytes`));
      req.destroy();
    };
    const onEnd = () => settle(undefined);
    const onError = (error: Error) => settle(error);
    const onClose = () => settle(prematureClose());
    req.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}

export function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

/**
 * The request as the engine reads it after we read (and perhaps normalised)
 * its body: the original's method, URL, socket and HTTP version, its headers
 * with the new length, and the new body to read. The engine (and Koa under it)
 * reads only these; it reads a body with `req.iterator()` while `req.readable`.
 * A new IncomingMessage fed through a stream cost several times more on every
 * token request, and the engine's other path for a body read upstream prints
 * a warning.
 */
class ReplayedRequest {
  readable = true;
  readonly readableEncoding = null;
  readonly headers: IncomingMessage['headers'];
  url: string | undefined;
  method: string | undefined;
  readonly #original: IncomingMessage;
  readonly #body: Buffer;

  constructor(original: IncomingMessage, body: Buffer) {
    this.#original = original;
    this.#body = body;
    this.url = original.url;
    this.method = original.method;
    this.headers = { ...original.headers, 'content-length': String(body.length) };
    delete this.headers['transfer-encoding'];
  }

  get socket() {
    return this.#original.socket;
  }

  get httpVersion() {
    return this.#original.httpVersion;
  }

  get httpVersionMajor() {
    return this.#original.httpVersionMajor;
  }

  get httpVersionMinor() {
    return this.#original.httpVersionMinor;
  }

  async *iterator(): AsyncGenerator<Buffer> {
    this.readable = false;
    yield this.#body;
  }

  [Symbol.asyncIterator](): AsyncGenerator<Buffer> {
    return this.iterator();
  }
}

export function replayRequest(req: IncomingMessage, body: Buffer): IncomingMessage {
  return new ReplayedRequest(req, body) as unknown as IncomingMessage;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, text: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}
