/**
 * An error that stops the server from starting. Its message is written for the
 * person who started it: what is wrong, which file or port, and the way out.
 * Entry points print the message alone (no stack) and exit non-zero.
 */
export class StartupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StartupError';
  }
}
