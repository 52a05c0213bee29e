import { describe, expect, it } from 'vitest';
import { backupFileSchema, backupIdSchema, backupScopeSchema } from '../../shared/backups';
import {
  ContentHash,
  encodeRow,
  escapeField,
  splitLines,
} from '../../electron/main/services/backups/codec';
import {
  checkSpace,
  globalPrivileges,
  requiredPrivileges,
} from '../../electron/main/services/backups/preflight';
import type { ServerFacts } from '../../electron/main/services/backups/mysql-conn';
import { newBackupId } from '../../electron/main/services/backups/storage';

const b = (s: string): Buffer => Buffer.from(s, 'utf8');

/** What LOAD DATA (ESCAPED BY '\\', FIELDS '\t', LINES '\n') reads back from a line. */
function loadDataParse(line: Buffer): Array<Buffer | null> {
  const fields: Array<Buffer | null> = [];
  let cur: number[] = [];
  let nul = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as number;
    if (c === 0x09) {
      fields.push(nul ? null : Buffer.from(cur));
      cur = [];
      nul = false;
    } else if (c === 0x5c) {
      const n = line[++i] as number;
      if (n === 0x4e && cur.length === 0) nul = true;
      else cur.push({ 0x74: 0x09, 0x6e: 0x0a, 0x72: 0x0d, 0x30: 0x00, 0x5c: 0x5c }[n] ?? n);
    } else cur.push(c);
  }
  fields.push(nul ? null : Buffer.from(cur));
  return fields;
}

describe('backup chunk format', () => {
  it('escapes exactly the bytes LOAD DATA treats specially, and reads back the same values', () => {
    expect(escapeField(b('plain ünï'))).toEqual(b('plain ünï'));
    expect(escapeField(Buffer.from([0x00, 0x09, 0x0a, 0x0d, 0x5c, 0x4e]))).toEqual(
      b('\\0\\t\\n\\r\\\\N'),
    );
    const rows: Array<Array<Buffer | null>> = [
      [b('1'), null, b(''), b('\\N'), b('N')],
      [Buffer.from([0, 9, 10, 13, 92, 255]), b('tab\there'), null],
      [b('')],
    ];
    for (const row of rows) {
      const line = encodeRow(row);
      expect(line.includes(0x0a)).toBe(false);
      expect(loadDataParse(line)).toEqual(row);
    }
    expect(
      splitLines(Buffer.concat([encodeRow(rows[0] ?? []), b('\n'), encodeRow([b('x')]), b('\n')])),
    ).toHaveLength(2);
  });

  it('hashes a table the same in any row order, and counts a duplicate row', () => {
    const lines = ['a\t1', 'b\t2', 'c\t\\N', ''].map(b);
    const h1 = new ContentHash();
    lines.forEach((l) => h1.add(l));
    const h2 = new ContentHash();
    [...lines].reverse().forEach((l) => h2.add(l));
    expect(h2.hex()).toBe(h1.hex());
    const split = new ContentHash();
    const rest = new ContentHash();
    split.add(lines[0] as Buffer);
    lines.slice(1).forEach((l) => rest.add(l));
    split.merge(rest);
    expect(split.hex()).toBe(h1.hex());
    expect(split.rows).toBe(4);
    const dup = new ContentHash();
    [...lines, lines[0] as Buffer].forEach((l) => dup.add(l));
    expect(dup.hex()).not.toBe(h1.hex());
    const changed = new ContentHash();
    ['a\t1', 'b\t3', 'c\t\\N', ''].map(b).forEach((l) => changed.add(l));
    expect(changed.hex()).not.toBe(h1.hex());
  });
});

describe('backup pre-flight', () => {
  it('reads global privileges from SHOW GRANTS and names what is missing per server', () => {
    const have = globalPrivileges([
      "GRANT SELECT, RELOAD, BINLOG MONITOR ON *.* TO `bk`@`%` IDENTIFIED BY PASSWORD '*x'",
      'GRANT ALL PRIVILEGES ON `app`.* TO `bk`@`%`',
    ]);
    expect([...have].sort()).toEqual(['BINLOG MONITOR', 'RELOAD', 'SELECT']);
    const maria: ServerFacts = {
      version: '10.11.6-MariaDB',
      flavor: 'mariadb',
      numeric: [10, 11, 6],
      logBin: true,
    };
    expect(requiredPrivileges(maria).map((r) => r.need)).toEqual([
      ['RELOAD'],
      ['BINLOG MONITOR', 'REPLICATION CLIENT', 'SUPER'],
    ]);
    const mysql8: ServerFacts = {
      version: '8.0.36',
      flavor: 'mysql',
      numeric: [8, 0, 36],
      logBin: false,
    };
    expect(requiredPrivileges(mysql8).map((r) => r.need)).toEqual([['RELOAD'], ['BACKUP_ADMIN']]);
  });

  it('refuses a run the disk has no room for, with both numbers', () => {
    const scope = {
      databases: ['app'],
      tables: [
        {
          database: 'app',
          table: 't',
          engine: 'InnoDB',
          dataLength: 400 * 1048576,
          rowsEstimate: 1,
        },
      ],
    };
    expect(() => checkSpace(scope, 1000 * 1048576, '/b', 64 * 1048576)).not.toThrow();
    expect(() => checkSpace(scope, 200 * 1048576, '/b', 64 * 1048576)).toThrow(
      /not enough free space in \/b: 200\.0 MB free, about 264\.0 MB needed/,
    );
  });
});

describe('backup names', () => {
  it('makes ids that are safe directory names and refuses paths that leave the backup', () => {
    expect(
      backupIdSchema.safeParse(newBackupId(new Date('2026-12-02T17:00:00.123Z'))).success,
    ).toBe(true);
    expect(newBackupId(new Date('2026-12-02T17:00:00Z'))).toMatch(
      /^b_20261202T170000Z_[0-9a-f]{6}$/,
    );
    for (const id of ['../b_20260101T000000Z_abcdef', 'b_20260101T000000Z_abcdef/..', 'x'])
      expect(backupIdSchema.safeParse(id).success, id).toBe(false);
    const file = { size: 1, sha256: 'a'.repeat(64) };
    for (const p of ['../x', 'data/../../x', '/etc/passwd', 'data//x', 'a\\b'])
      expect(backupFileSchema.safeParse({ ...file, file: p }).success, p).toBe(false);
    expect(backupFileSchema.safeParse({ ...file, file: 'data/t0001.c00002.tsv.zst' }).success).toBe(
      true,
    );
    for (const name of ['..', 'a.b', 'a/b', 'a b', "a'b", 'a`b', ''])
      expect(
        backupScopeSchema.safeParse({ type: 'databases', databases: [name] }).success,
        name,
      ).toBe(false);
  });
});
