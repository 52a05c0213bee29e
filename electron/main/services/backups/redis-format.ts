import { hash } from 'node:crypto';

/**
 * The records of a Redis backup chunk (`redis-dump/1`), decompressed: one after another,
 * big-endian lengths, keys and payloads as raw bytes.
 */
export const REDIS_RECORD =
  'u32 key length, key bytes, i64 absolute expiry in Unix ms (0 = no TTL), u32 payload length, DUMP payload';

export const REDIS_RESTORE = 'RESTORE <key> <expiry or 0> <payload> REPLACE ABSTTL (pipelined)';

export const REDIS_CONTENT_HASH =
  'per keyspace: the four little-endian 32-bit words of MD5(u32 key length, key, DUMP payload) summed over all keys mod 2^32 (order-independent; TTLs are not hashed: they move with the clock). A DUMP payload carries the RDB version: compare on the same Redis major version.';

/** SCAN MATCH pattern of a key prefix ('' = every key), glob characters escaped. */
export function keyPattern(prefix: string): string {
  return `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
}

/** One record, and the bytes its content hash is taken over. */
export function encodeRedisRecord(
  key: Buffer,
  expireAtMs: number,
  payload: Buffer,
): { record: Buffer; identity: Buffer } {
  const record = Buffer.allocUnsafe(4 + key.length + 8 + 4 + payload.length);
  let o = record.writeUInt32BE(key.length, 0);
  o += key.copy(record, o);
  o = record.writeBigInt64BE(BigInt(expireAtMs), o);
  o = record.writeUInt32BE(payload.length, o);
  payload.copy(record, o);
  const identity = Buffer.allocUnsafe(4 + key.length + payload.length);
  identity.writeUInt32BE(key.length, 0);
  key.copy(identity, 4);
  payload.copy(identity, 4 + key.length);
  return { record, identity };
}

export interface RedisRecord {
  key: Buffer;
  expireAtMs: number;
  payload: Buffer;
}

/** Split a decompressed chunk into its records; a truncated record is an error. */
export function decodeRedisRecords(data: Buffer): RedisRecord[] {
  const out: RedisRecord[] = [];
  let o = 0;
  const need = (n: number): void => {
    if (o + n > data.length) throw new Error(`truncated Redis backup record at byte ${o}`);
  };
  while (o < data.length) {
    need(4);
    const kl = data.readUInt32BE(o);
    o += 4;
    need(kl + 12);
    const key = data.subarray(o, o + kl);
    o += kl;
    const expireAtMs = Number(data.readBigInt64BE(o));
    o += 8;
    const pl = data.readUInt32BE(o);
    o += 4;
    need(pl);
    out.push({ key, expireAtMs, payload: data.subarray(o, o + pl) });
    o += pl;
  }
  return out;
}

/**
 * The keys already taken in one keyspace, by a 64-bit fingerprint (the first 8 bytes of the
 * key's MD5) in an open-addressing table: SCAN may return a key more than once while the server
 * rehashes, and a key must be in a backup once. 16 bytes a key at most (1M keys ≈ 16 MB); two
 * different keys share a fingerprint with a chance of about n²/2^65 (3·10⁻⁸ for 1M keys).
 */
export class SeenKeys {
  private table = new BigUint64Array(1024);
  private n = 0;

  /** Whether the key was seen before; marks it seen. */
  seen(key: Buffer): boolean {
    // 0 marks an empty slot: a fingerprint of 0 becomes 1.
    const fp = fingerprint(key) || 1n;
    if ((this.n + 1) * 2 > this.table.length) this.grow();
    if (!this.insert(this.table, fp)) return true;
    this.n++;
    return false;
  }

  private insert(t: BigUint64Array, fp: bigint): boolean {
    const mask = t.length - 1;
    for (let i = Number(fp & BigInt(mask)); ; i = (i + 1) & mask) {
      const v = t[i] as bigint;
      if (v === 0n) {
        t[i] = fp;
        return true;
      }
      if (v === fp) return false;
    }
  }

  private grow(): void {
    const next = new BigUint64Array(this.table.length * 2);
    for (const v of this.table) if (v !== 0n) this.insert(next, v);
    this.table = next;
  }
}

function fingerprint(key: Buffer): bigint {
  return (hash('md5', key, 'buffer') as unknown as Buffer).readBigUInt64LE(0);
}
