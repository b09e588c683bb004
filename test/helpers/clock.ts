/**
 * Moving time for servers started with `now: () => Date.now()` (which reads
 * Date.now at each call, so the server, the engine and the store move together).
 */

/** Runs `run` with the clock `ms` ahead (server, engine and store alike). */
export async function withClockAhead<T>(ms: number, run: () => Promise<T>): Promise<T> {
  const realNow = Date.now;
  Date.now = () => realNow() + ms;
  try {
    return await run();
  } finally {
    Date.now = realNow;
  }
}
