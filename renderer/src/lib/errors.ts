import { ERROR_CODES, KeelError, type ErrorCode } from '@shared/errors';

/** Any rejection as a KeelError: contract calls already reject with one; anything else is a bug. */
export function toKeelError(e: unknown): KeelError {
  if (e instanceof KeelError) return e;
  if (e instanceof Error) return new KeelError('INTERNAL', e.message);
  return new KeelError('INTERNAL', String(e));
}

export const isErrorCode = (code: string): code is ErrorCode =>
  (ERROR_CODES as readonly string[]).includes(code);

/** One issue of a VALIDATION error as the router sends it in `details.issues`. */
export interface ServerIssue {
  path: string[];
  message: string;
}

export function serverIssues(e: KeelError): ServerIssue[] {
  if (e.code !== 'VALIDATION') return [];
  const raw = e.details?.['issues'];
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((i: unknown) => {
    if (typeof i !== 'object' || i === null) return [];
    const { path, message } = i as { path?: unknown; message?: unknown };
    if (!Array.isArray(path) || typeof message !== 'string') return [];
    return [{ path: path.map(String), message }];
  });
}
