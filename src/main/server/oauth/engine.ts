import type * as OidcProvider from 'oidc-provider';

export type Engine = typeof OidcProvider;

let loading: Promise<Engine> | undefined;

/**
 * Imports oidc-provider. On Node 20 it prints "Unsupported runtime" when first
 * imported; it runs fine there (its tests and ours pass), and Electron ships a
 * newer Node, so that one line is held back rather than shown to every user.
 * Every other engine warning still goes through.
 */
export function loadEngine(): Promise<Engine> {
  loading ??= (async () => {
    const warn = console.warn;
    console.warn = (...args: unknown[]) => {
      if (typeof args[0] === 'string' && args[0].includes('Unsupported runtime')) return;
      warn(...args);
    };
    try {
      return await import('oidc-provider');
    } finally {
      console.warn = warn;
    }
  })();
  return loading;
}
