import { z } from 'zod';
import { methodEntries } from './index';

/**
 * How large one call may be on the wire (an HTTP body, a WebSocket message), derived from the
 * contract so the transport never refuses an input the contract accepts: the longest string any
 * method takes (tenants.bulkProvision's text today), at the most bytes one character can take in
 * JSON (`\uXXXX`), plus room for the envelope and the other fields.
 */
const BYTES_PER_CHAR = 6;
const ENVELOPE_BYTES = 64 * 1024;

let cached: number | undefined;

export function maxRequestBytes(): number {
  cached ??= longestInputString() * BYTES_PER_CHAR + ENVELOPE_BYTES;
  return cached;
}

/** The longest string (zod `.max`, in UTF-16 code units) any method's input accepts. */
export function longestInputString(): number {
  let longest = 0;
  for (const [, spec] of methodEntries) {
    const schema = z.toJSONSchema(spec.input, { io: 'input', unrepresentable: 'any' });
    longest = Math.max(longest, largestMaxLength(schema));
  }
  return longest;
}

function largestMaxLength(node: unknown): number {
  if (typeof node !== 'object' || node === null) return 0;
  let m = 0;
  const own = (node as { maxLength?: unknown }).maxLength;
  if (typeof own === 'number') m = own;
  for (const v of Object.values(node)) m = Math.max(m, largestMaxLength(v));
  return m;
}

/** The refusal people read when a call is over the limit. */
export function tooLargeMessage(bytes?: number): string {
  const mb = (n: number): string => `${(n / 1_000_000).toFixed(1)} MB`;
  return `the request is too large: Keel accepts at most ${mb(maxRequestBytes())} per call${
    bytes === undefined ? '' : ` (this one is ${mb(bytes)})`
  }; split the input (e.g. a bulk CSV) into smaller parts`;
}
