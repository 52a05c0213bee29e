import type { Command } from 'commander';
import type { BackupScope } from '../../../shared/backups';
import { call, startAndFollow } from '../call';
import { EXIT, table, UsageError } from '../output';
import { out } from '../program';

/** backups run / list / verify / delete. */
export function registerBackups(program: Command): void {
  const backups = program.command('backups').description('consistent MySQL / MariaDB backups');
  backups
    .command('run')
    .description('back up a MySQL connection and wait for it (default scope: the whole server)')
    .requiredOption('-e, --env <envId>', 'environment id')
    .requiredOption('-c, --connection <id>', 'MySQL connection id')
    .option('--databases <names>', 'only these databases (comma-separated)')
    .option('--tables <names>', 'only these tables (db.table, comma-separated)')
    .option('--tenant <id>', 'one tenant: its schema, or its rows of the shared tables')
    .action(
      async (o: {
        env: string;
        connection: string;
        databases?: string;
        tables?: string;
        tenant?: string;
      }) => {
        const given = [o.databases, o.tables, o.tenant].filter((x) => x !== undefined);
        if (given.length > 1) throw new UsageError('give one of --databases, --tables, --tenant');
        await startAndFollow(o.env, 'backups.run', {
          envId: o.env,
          connectionId: o.connection,
          scope: scopeOf(o),
        });
      },
    );
  backups
    .command('list')
    .requiredOption('-e, --env <envId>', 'environment id')
    .action(async (o: { env: string }) => {
      const all = await call('backups.list', { envId: o.env });
      out(all, () =>
        table(
          all.map((b) => ({
            ...b,
            scope: scopeText(b.scope),
            mb: b.bytes === undefined ? undefined : (b.bytes / 1048576).toFixed(1),
            verified: b.verified ? (b.verified.ok ? 'ok' : 'FAILED') : undefined,
            error: b.error?.message,
          })),
          ['id', 'status', 'connectionId', 'scope', 'mb', 'rows', 'lockMs', 'verified', 'error'],
        ),
      );
    });
  backups
    .command('verify <id>')
    .description('check every file of a backup against its manifest (exit 1 if anything is wrong)')
    .requiredOption('-e, --env <envId>', 'environment id')
    .action(async (id: string, o: { env: string }) => {
      const r = await call('backups.verify', { envId: o.env, id });
      out(r, () =>
        r.ok
          ? `ok: ${r.filesChecked} files, ${r.bytesChecked} bytes`
          : ['FAILED:', ...r.problems.map((p) => `  ${p.file}: ${p.kind}: ${p.message}`)].join(
              '\n',
            ),
      );
      if (!r.ok) process.exitCode = EXIT.failed;
    });
  backups
    .command('delete <id>')
    .requiredOption('-e, --env <envId>', 'environment id')
    .option('--yes', 'confirm the deletion')
    .action(async (id: string, o: { env: string; yes?: boolean }) => {
      const r = await call('backups.delete', { envId: o.env, id, confirm: id }, o);
      out(r, () => `deleted ${id}`);
    });
}

function scopeOf(o: { databases?: string; tables?: string; tenant?: string }): BackupScope {
  const list = (s: string): string[] =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
  if (o.databases) return { type: 'databases', databases: list(o.databases) };
  if (o.tables)
    return {
      type: 'tables',
      tables: list(o.tables).map((t) => {
        const [database, table, ...rest] = t.split('.');
        if (!database || !table || rest.length > 0) throw new UsageError(`"${t}" is not db.table`);
        return { database, table };
      }),
    };
  if (o.tenant) return { type: 'tenant', tenantId: o.tenant };
  return { type: 'server' };
}

function scopeText(s: BackupScope): string {
  switch (s.type) {
    case 'server':
      return 'server';
    case 'databases':
      return s.databases.join(',');
    case 'tables':
      return s.tables.map((t) => `${t.database}.${t.table}`).join(',');
    case 'tenant':
      return `tenant ${s.tenantId}`;
  }
}
