import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Stands in for an MCP client's redirect_uri listener (like mcp-remote's or
 * Claude Code's loopback callback): records the URL the browser is sent to.
 */
export class CallbackListener {
  readonly #server: Server;
  #waiters: ((url: URL) => void)[] = [];
  port = 0;

  constructor() {
    this.#server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
      res.setHeader('Content-Type', 'text/html');
      res.end('<!doctype html><title>Done</title><h1>Authorization finished</h1>');
      const waiters = this.#waiters;
      this.#waiters = [];
      for (const resolve of waiters) resolve(url);
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.port = (this.#server.address() as AddressInfo).port;
    return this;
  }

  url(path = '/callback', host = '127.0.0.1'): string {
    return `http://${host}:${this.port}${path}`;
  }

  next(timeoutMs = 20_000): Promise<URL> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no callback received')), timeoutMs);
      this.#waiters.push((url) => {
        clearTimeout(timer);
        resolve(url);
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}
