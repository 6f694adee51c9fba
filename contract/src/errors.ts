/**
 * Stable error codes: clients and integrators branch on these, so a code is never renamed.
 * Each maps to the HTTP status used when it crosses the REST edge.
 */
export const errorCodes = {
  VALIDATION_FAILED: { status: 400, description: 'The payload is malformed; the message names the field.' },
  PAYLOAD_TOO_LARGE: { status: 413, description: 'The payload or message is larger than allowed.' },
  UNAUTHENTICATED: { status: 401, description: 'Missing, expired or invalid credentials.' },
  FORBIDDEN: { status: 403, description: 'The caller may not do this (role, ownership or signature).' },
  NOT_FOUND: { status: 404, description: 'The addressed resource does not exist or is not visible to the caller.' },
  CONFLICT: { status: 409, description: 'The resource is not in a state that allows this (e.g. offer already answered).' },
  OFFER_EXPIRED: { status: 409, description: 'The offer expired or was withdrawn before it was answered.' },
  UNKNOWN_EVENT: { status: 400, description: 'The realtime event name is not part of the contract.' },
  RATE_LIMITED: { status: 429, description: 'Too many requests; retry later.' },
  CHANNEL_DISABLED: { status: 503, description: 'The channel is not configured on this hub.' },
  UNAVAILABLE: { status: 503, description: 'A dependency (database, queue backend) does not answer.' },
  INTERNAL: { status: 500, description: 'An unexpected failure; it is logged with a correlation id.' },
} as const satisfies Record<string, { status: number; description: string }>;

export type ErrorCode = keyof typeof errorCodes;

export class SentralError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'SentralError';
    this.code = code;
    this.details = details;
  }

  get status(): number {
    return errorCodes[this.code].status;
  }

  toJSON(): ErrorBody {
    return { code: this.code, message: this.message };
  }
}

export interface ErrorBody {
  code: ErrorCode;
  message: string;
}

export type Ack<T extends object = object> = ({ ok: true } & T) | { ok: false; error: ErrorBody };
