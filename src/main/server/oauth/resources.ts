import { MCP_PATH } from '../defaults';

/**
 * The protected MCP endpoint as a resource (RFC 8707). It is reachable under
 * three loopback names, and a client names it with the host it used, so each
 * alias is a valid resource indicator and a valid token audience. A trailing
 * slash names the same resource (the MCP SDK sends `new URL(x).href`).
 */
export class McpResource {
  readonly canonical: string;
  readonly aliases: readonly string[];
  readonly #byVariant: Map<string, string>;

  constructor(readonly port: number) {
    this.aliases = ['127.0.0.1', 'localhost', '[::1]'].map((host) => `http://${host}:${port}${MCP_PATH}`);
    this.canonical = this.aliases[0]!;
    this.#byVariant = new Map();
    for (const alias of this.aliases) {
      this.#byVariant.set(alias, alias);
      this.#byVariant.set(`${alias}/`, alias);
    }
  }

  /** The alias a resource indicator names, or undefined if it is not this resource. */
  resolve(indicator: string): string | undefined {
    return this.#byVariant.get(indicator);
  }

  /** The resource URL as seen by a client that reached us through `host` (a validated Host header). */
  forHost(host: string): string {
    const alias = `http://${host}${MCP_PATH}`;
    return this.#byVariant.has(alias) ? alias : this.canonical;
  }
}
