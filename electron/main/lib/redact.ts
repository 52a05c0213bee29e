/**
 * Secrets must never reach logs or error messages. This removes passwords from connection strings
 * (`scheme://user:password@host`), from `password=` / `token=` pairs, and from bearer headers.
 */
const URI_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)([^@\s]*)(@)/gi;
// MySQL's own "(using password: YES)" is not a secret and stays readable.
const KEY_VALUE =
  /\b(password|passwd|pwd|token|secret|authorization|auth)(["']?\s*[:=]\s*["']?)(?!(?:YES|NO)\)|Bearer\b|Token\b|\*\*\*)([^"'\s,;&}]+)/gi;
const BEARER = /\b(Bearer|Token)\s+[A-Za-z0-9._~+/=-]+/g;

export const REDACTED = '***';

export function redact(text: string): string {
  return text
    .replace(URI_CREDENTIALS, `$1${REDACTED}$3`)
    .replace(BEARER, `$1 ${REDACTED}`)
    .replace(KEY_VALUE, `$1$2${REDACTED}`);
}

/** Also removes exact known secret values (a password that appears in an arbitrary driver message). */
export function redactKnown(text: string, secrets: Iterable<string | undefined>): string {
  let out = redact(text);
  for (const s of secrets) {
    if (s && s.length >= 3) out = out.split(s).join(REDACTED);
  }
  return out;
}
