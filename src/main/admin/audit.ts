import type { ActivityEvent } from '../../shared/events';
import type { EventLog, NewEvent } from '../store/events';

/**
 * Admin changes in the activity log. `record` inserts inside the caller's
 * transaction (so the event and the change commit together); the service
 * publishes the events to live subscribers once the operation succeeded, or
 * drops them if it failed (its transaction rolled back).
 */
export class AuditTrail {
  #pending: ActivityEvent[] = [];

  constructor(
    private readonly events: EventLog | undefined,
    /** Who acted: "admin (desktop app)", "admin (browser)", "admin (CLI)". */
    readonly actor: string,
  ) {}

  record(event: NewEvent): void {
    if (!this.events) return;
    this.#pending.push(this.events.insert({ ...event, data: { ...event.data, by: this.actor } }));
  }

  publish(): void {
    const pending = this.#pending;
    this.#pending = [];
    for (const event of pending) this.events?.publish(event);
  }

  discard(): void {
    this.#pending = [];
  }
}
