import { z } from 'zod';

/**
 * The closed set of error codes every boundary speaks (IPC, HTTP, WebSocket, CLI).
 * Store adapters map driver errors onto these; the driver's own code stays in `details`.
 */
export const ERROR_CODES = [
  /** Input failed its schema. Nothing was changed. */
  'VALIDATION',
  /** The named method does not exist in the contract. */
  'UNKNOWN_METHOD',
  /** The thing asked for does not exist. */
  'NOT_FOUND',
  /** It already exists, or another operation holds it. */
  'CONFLICT',
  /** A precondition the user can fix first (e.g. a missing secret, a running job). */
  'PRECONDITION_FAILED',
  /** Missing or wrong server-mode token. */
  'UNAUTHORIZED',
  /** The caller (sender frame, origin) may not call this. */
  'FORBIDDEN',
  /** The store refused the credentials. */
  'AUTH_FAILED',
  /** Nothing listens at host:port, or the connection was reset. */
  'CONN_REFUSED',
  /** The host name does not resolve. */
  'HOST_NOT_FOUND',
  /** No answer within the configured bound. */
  'TIMEOUT',
  /** TLS handshake or certificate verification failed. */
  'TLS_FAILED',
  /** The store authenticated us but refused the operation. */
  'PERMISSION_DENIED',
  /** The store answered with an error of its own. */
  'SERVER_ERROR',
  /** The circuit breaker is open: the store failed recently and is not being retried yet. */
  'UNAVAILABLE',
  /** The operation was cancelled by the user or shut down. */
  'CANCELLED',
  /** Secrets cannot be stored safely on this machine (no keyring) and the user has not opted in. */
  'SECRET_STORE_UNAVAILABLE',
  /** Only available in another shell (e.g. a desktop-only action called from server mode). */
  'UNSUPPORTED',
  /** A bug: something Keel did not expect. Logged with its stack. */
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];
export const errorCodeSchema = z.enum(ERROR_CODES);

export const errorShapeSchema = z.object({
  code: errorCodeSchema,
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type ErrorShape = z.infer<typeof errorShapeSchema>;

/** An error that crosses boundaries as data. `message` is for people, `code` is for programs. */
export class KeelError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    details?: Record<string, unknown>,
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'KeelError';
    this.code = code;
    this.details = details;
  }

  toShape(): ErrorShape {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }

  static fromShape(shape: ErrorShape): KeelError {
    return new KeelError(shape.code, shape.message, shape.details);
  }
}

export function isKeelError(e: unknown): e is KeelError {
  return e instanceof KeelError;
}

/** Codes that describe the world, not a bug: logged at info/warn level without a stack. */
export function isExpected(code: ErrorCode): boolean {
  return code !== 'INTERNAL';
}

/** The envelope every call returns. Errors are data, never thrown across a boundary. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorShape };

export function resultSchema<T extends z.ZodType>(value: T) {
  return z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), value }),
    z.object({ ok: z.literal(false), error: errorShapeSchema }),
  ]);
}

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = (error: ErrorShape): Result<never> => ({ ok: false, error });
