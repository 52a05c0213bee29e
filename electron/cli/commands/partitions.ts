import { Option, type Command } from 'commander';
import type { MethodInput } from '../../../shared/contract/index';
import { call, startAndFollow } from '../call';
import { table } from '../output';
import { out } from '../program';

type Exact = NonNullable<MethodInput<'partitions.list'>['exact']>;

/** partitions list / plan / apply / archive. */
export function registerPartitions(program: Command): void {
  const partitions = program.command('partitions').description('partition maintenance');
  const exactOption = (): Option =>
    new Option('--exact <which>', 'count MAXVALUE rows exactly')
      .choices(['none', 'nonzero', 'all'])
      .default('none');
  partitions
    .command('list')
    .description(
      'every partitioned table with its partitions, rows in MAXVALUE and runway (days, UTC)',
    )
    .requiredOption('-e, --env <envId>', 'environment id')
    .addOption(exactOption())
    .action(async (o: { env: string; exact: Exact }) => {
      const v = await call('partitions.list', { envId: o.env, exact: o.exact });
      out(v, () =>
        table(
          v.tables.map((t) => ({
            ...t,
            partitions: t.partitions.length,
            last: t.partitions
              .filter((p) => p.lessThan)
              .at(-1)
              ?.lessThan?.slice(0, 10),
            maxvalueRows: t.maxvalueRows ?? '-',
          })),
          ['connectionId', 'schema', 'table', 'partitions', 'last', 'runwayDays', 'maxvalueRows'],
        ),
      );
    });
  partitions
    .command('plan')
    .description('print the DDL maintenance would run, without running it')
    .requiredOption('-e, --env <envId>', 'environment id')
    .addOption(exactOption())
    .action(async (o: { env: string; exact: Exact }) => {
      const v = await call('partitions.plan', { envId: o.env, exact: o.exact });
      out(
        v,
        () =>
          v.plans
            .filter((p) => p.status !== 'ok' || p.drops.length)
            .map((p) =>
              [
                `-- ${p.schema}.${p.table} (${p.connectionId}): ${p.status}${p.reason ? `: ${p.reason}` : ''}`,
                p.statement?.sql,
                p.dropStatement &&
                  `-- past retention, not run by this version:\n-- ${p.dropStatement}`,
              ]
                .filter(Boolean)
                .join('\n'),
            )
            .join('\n\n') || 'nothing to do',
      );
    });
  partitions
    .command('apply')
    .description('add the partitions every policy asks for (a job; idempotent)')
    .requiredOption('-e, --env <envId>', 'environment id')
    .option(
      '--lock-wait <seconds>',
      'metadata-lock wait per ALTER',
      (v) => Number.parseInt(v, 10),
      5,
    )
    .option('--attempts <n>', 'attempts per table', (v) => Number.parseInt(v, 10), 2)
    .option('--only <schema.table...>', 'only these tables')
    .option(
      '--split <schema.table...>',
      'also split these MAXVALUE partitions holding rows (copies them under a lock: see plan)',
    )
    .action(
      async (o: {
        env: string;
        lockWait: number;
        attempts: number;
        only?: string[];
        split?: string[];
      }) => {
        await startAndFollow(o.env, 'partitions.apply', {
          envId: o.env,
          lockWaitSec: o.lockWait,
          attempts: o.attempts,
          ...(o.only && { only: o.only }),
          ...(o.split && { split: o.split }),
        });
      },
    );
  partitions
    .command('archive')
    .description(
      'archive partitions without dropping them (a job): those retention would drop next, or --partition of one table',
    )
    .requiredOption('-e, --env <envId>', 'environment id')
    .option('--only <schema.table...>', 'only these tables')
    .option('--partition <name...>', 'these partitions of the one --only table')
    .action(async (o: { env: string; only?: string[]; partition?: string[] }) => {
      await startAndFollow(o.env, 'partitions.archive', {
        envId: o.env,
        ...(o.only && { only: o.only }),
        ...(o.partition && { partitions: o.partition }),
      });
    });
}
