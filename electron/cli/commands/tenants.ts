import { readFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import type { TenantSpec } from '../../../shared/tenants';
import { call, startAndFollow } from '../call';
import { table } from '../output';
import { out, readStdin } from '../program';

/** tenants list / apply-blueprint / provision / bulk. */
export function registerTenants(program: Command): void {
  const tenants = program.command('tenants').description('tenants of an environment');
  tenants
    .command('list')
    .requiredOption('-e, --env <envId>', 'environment id')
    .option('--status <status>', 'only tenants in this status')
    .action(async (o: { env: string; status?: string }) => {
      const { tenants: all } = await call('tenants.list', { envId: o.env });
      const list = o.status ? all.filter((t) => t.status === o.status) : all;
      out(list, () =>
        table(
          list.map((t) => ({ ...t, database: t.placement.database ?? '(shared)' })),
          ['id', 'name', 'plan', 'tier', 'status', 'database', 'createdAt'],
        ),
      );
    });
  tenants
    .command('apply-blueprint')
    .description('create the catalog and shared databases from the blueprint (idempotent)')
    .requiredOption('-e, --env <envId>', 'environment id')
    .action(async (o: { env: string }) => {
      await startAndFollow(o.env, 'tenants.applyBlueprint', { envId: o.env });
    });
  tenants
    .command('provision <id>')
    .description('provision one tenant in every store and wait for it')
    .requiredOption('-e, --env <envId>', 'environment id')
    .requiredOption('--name <name>', 'display name')
    .requiredOption('--plan <plan>', 'plan (free, basic, pro, enterprise in the default blueprint)')
    .addOption(
      new Option('--tier <tier>', 'isolation tier')
        .choices(['shared', 'dedicated_schema', 'dedicated_instance'])
        .default('shared'),
    )
    .option('--subdomain <label>', 'subdomain')
    .option('--instance <connectionId>', 'dedicated_instance: the connection reserved for it')
    .option('--preview', 'print what would be created and stop')
    .action(
      async (
        id: string,
        o: {
          env: string;
          name: string;
          plan: string;
          tier: TenantSpec['tier'];
          subdomain?: string;
          instance?: string;
          preview?: boolean;
        },
      ) => {
        const spec = {
          id,
          name: o.name,
          plan: o.plan,
          tier: o.tier,
          ...(o.subdomain && { subdomain: o.subdomain }),
          ...(o.instance && { instanceConnectionId: o.instance }),
        };
        if (o.preview) {
          const plan = await call('tenants.preview', { envId: o.env, spec });
          out(plan, () =>
            [
              ...plan.steps.map(
                (st) => `-- ${st.store}: ${st.action} (${st.target})\n${st.statement}`,
              ),
              ...plan.skipped.map((x) => `-- skipped ${x.store}: ${x.reason}`),
            ].join('\n\n'),
          );
          return;
        }
        await startAndFollow(o.env, 'tenants.provision', { envId: o.env, spec });
      },
    );
  tenants
    .command('bulk <file>')
    .description('provision every tenant of a CSV (id,name,plan,tier[,subdomain]) or YAML list')
    .requiredOption('-e, --env <envId>', 'environment id')
    .action(async (file: string, o: { env: string }) => {
      const text = file === '-' ? await readStdin() : await readFile(file, 'utf8');
      const format = /\.ya?ml$/i.test(file) ? 'yaml' : 'csv';
      await startAndFollow(o.env, 'tenants.bulkProvision', { envId: o.env, format, text });
    });
}
