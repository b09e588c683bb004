import type { AdminError, ErrorCode } from '../../shared/dto';

/** A refusal with a message meant for the admin (shown in the UI and the CLI as is). */
export class AdminFailure extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AdminFailure';
  }

  toError(): AdminError {
    return { code: this.code, message: this.message, ...(this.fields ? { fields: this.fields } : {}) };
  }
}

export const notFound = (what: string) => new AdminFailure('not_found', `${what} was not found`);
