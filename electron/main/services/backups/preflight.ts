import type { RowDataPacket } from 'mysql2';
import { KeelError } from '../../../../shared/errors';
import { q, type ServerFacts, type Worker } from './mysql-conn';
import type { ResolvedScope } from './scope';

/** Global privileges, from `SHOW GRANTS` lines on `*.*` (upper case; ALL covers everything). */
export function globalPrivileges(grants: string[]): Set<string> {
  const out = new Set<string>();
  for (const line of grants) {
    const m = /^GRANT (.+?) ON \*\.\* TO /i.exec(line);
    if (!m?.[1]) continue;
    for (const p of m[1].split(',')) out.add(p.trim().toUpperCase());
  }
  return out;
}

/** What the lock and the position need on this server, as alternatives per line. */
export function requiredPrivileges(facts: ServerFacts): Array<{ need: string[]; why: string }> {
  const req = [
    { need: ['RELOAD'], why: 'the global lock (BACKUP STAGE / FLUSH TABLES WITH READ LOCK)' },
  ];
  if (facts.flavor === 'mysql')
    req.push({ need: ['BACKUP_ADMIN'], why: 'LOCK INSTANCE FOR BACKUP' });
  if (facts.logBin)
    req.push({
      need: ['BINLOG MONITOR', 'REPLICATION CLIENT', 'SUPER'],
      why: 'reading the binlog position (SHOW MASTER STATUS)',
    });
  return req;
}

/**
 * Refuse a run up front, with the reason, when the account cannot take the lock, read the
 * position or read a table of the scope.
 */
export async function checkPrivileges(
  w: Worker,
  facts: ServerFacts,
  scope: ResolvedScope,
): Promise<void> {
  const [rows] = await w.q.query<RowDataPacket[]>('SHOW GRANTS FOR CURRENT_USER()');
  const have = globalPrivileges(rows.map((r) => String(Object.values(r)[0])));
  const all = have.has('ALL PRIVILEGES') || have.has('ALL');
  const missing = requiredPrivileges(facts).filter((r) => !all && !r.need.some((p) => have.has(p)));
  if (missing.length > 0) {
    throw new KeelError(
      'PERMISSION_DENIED',
      `the account cannot make a consistent backup: missing ${missing
        .map((m) => `${m.need.join(' or ')} (for ${m.why})`)
        .join('; ')}`,
      { missing: missing.map((m) => m.need) },
    );
  }
  // SELECT may come from roles or database grants: asking the server is the reliable way.
  const denied: string[] = [];
  for (const t of scope.tables) {
    try {
      await w.q.query(`SELECT 1 FROM ${q(t.database)}.${q(t.table)} LIMIT 0`);
    } catch (e) {
      const code = (e as { code?: string }).code ?? '';
      if (!/ACCESS_DENIED/.test(code)) throw w.error(e);
      denied.push(`${t.database}.${t.table}`);
    }
  }
  if (denied.length > 0) {
    throw new KeelError(
      'PERMISSION_DENIED',
      `the account may not SELECT from ${denied.slice(0, 5).join(', ')}${denied.length > 5 ? ` and ${denied.length - 5} more` : ''}`,
    );
  }
}

/**
 * Compressed TSV is rarely above half of InnoDB's data_length (pages are never full, text
 * compresses); a reserve (BackupSettings.reserveBytes) keeps the disk from being filled to the
 * last byte.
 */
export const SPACE_RATIO = 0.5;

export function estimateBytes(scope: ResolvedScope): number {
  return scope.tables.reduce((s, t) => s + t.dataLength, 0);
}

export function checkSpace(
  scope: ResolvedScope,
  freeBytes: number,
  root: string,
  reserveBytes: number,
): void {
  checkFreeSpace(Math.ceil(estimateBytes(scope) * SPACE_RATIO), freeBytes, root, reserveBytes);
}

/** Refuse a run whose estimated size plus the reserve does not fit on the backup disk. */
export function checkFreeSpace(
  estimate: number,
  freeBytes: number,
  root: string,
  reserveBytes: number,
): void {
  const need = estimate + reserveBytes;
  if (freeBytes < need) {
    const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MB`;
    throw new KeelError(
      'PRECONDITION_FAILED',
      `not enough free space in ${root}: ${mb(freeBytes)} free, about ${mb(need)} needed (backup about ${mb(estimate)})`,
      { freeBytes, needBytes: need },
    );
  }
}
