import type { Command } from 'commander';
import type { Measure, PlanPreview, QuotaList, TenantUsageDetail } from '../../../shared/quotas';
import { callRaw, startAndFollow } from '../call';
import { table } from '../output';
import { out } from '../program';

const fmtMeasure = (m: Measure): string =>
  m.method === 'unknown'
    ? 'unknown'
    : `${Number.isInteger(m.value) ? m.value : m.value.toFixed(1)}${m.method === 'estimate' ? ` ±${m.error.toFixed(1)}` : ''}`;
const pct = (r: number | null): string => (r === null ? '-' : `${(r * 100).toFixed(1)} %`);

/**
 * `--limit` as the contract takes it: `unlimited` is null, an integer is a number, anything
 * else goes through as text so the contract refuses it with its reason (exit code 2).
 */
export const limitArg = (v: string): number | string | null =>
  v === 'unlimited' ? null : /^-?\d+$/.test(v.trim()) ? Number(v) : v;

function usageText(d: TenantUsageDetail): string {
  const rows = d.row.dimensions.map((u) => ({
    dimension: u.dimension,
    usage: fmtMeasure(u.usage),
    limit: u.limit ?? 'unlimited',
    use: pct(u.ratio),
    level: u.level,
    limitFrom: u.source,
    flag: d.row.flags.includes(u.dimension) ? 'SET' : '',
  }));
  const lines = [
    `${d.row.tenantId} (${d.row.plan}, ${d.row.status}) measured ${d.row.measuredAt ?? 'never'}`,
    table(rows, ['dimension', 'usage', 'limit', 'use', 'level', 'limitFrom', 'flag']),
  ];
  if (d.usage) {
    const s = d.usage.storage;
    lines.push(
      `storage bytes: mysql ${fmtMeasure(s.mysql)}, mongo ${fmtMeasure(s.mongo)}, redis ${fmtMeasure(s.redis)}, influx ${fmtMeasure(s.influx)}`,
      `redis keys ${fmtMeasure(d.usage.redisKeys)}, influx series ${fmtMeasure(d.usage.influxSeries)} / points ${fmtMeasure(d.usage.influxPoints)}, mongo documents ${fmtMeasure(d.usage.mongoDocuments)}, AI tokens ${fmtMeasure(d.usage.aiTokens)}`,
    );
  }
  return lines.join('\n');
}

function previewText(p: PlanPreview): string {
  return [
    `${p.tenantId}: ${p.from} → ${p.to} (${p.direction}); usage ${p.fits ? 'fits' : 'does NOT fit'} (measured ${p.measuredAt ?? 'never'})`,
    table(
      p.changes.map((c) => ({
        ...c,
        from: c.from ?? 'unlimited',
        to: c.to ?? 'unlimited',
        effective: c.effective ?? 'unlimited',
        usage: c.usage ? fmtMeasure(c.usage) : 'unknown',
      })),
      ['dimension', 'from', 'to', 'effective', 'usage', 'fits'],
    ),
    `flags set: ${p.flagsSet.join(', ') || 'none'}; cleared: ${p.flagsCleared.join(', ') || 'none'}`,
    ...(p.confirmRequired ? [`confirm with --confirm ${p.tenantId}`] : []),
  ].join('\n');
}

/** `keel usage scan | show | list`, `keel quotas set-override | clear-override`, `keel tenants change-plan`. */
/** usage scan / show / list, quotas set-override / clear-override, tenants change-plan. */
export function registerQuotas(program: Command): void {
  const tenants =
    program.commands.find((c) => c.name() === 'tenants') ??
    program.command('tenants').description('tenants of an environment');
  const usage = program.command('usage').description('what each tenant uses in every store');
  usage
    .command('scan')
    .description('measure every tenant now (a job) and wait for it')
    .requiredOption('-e, --env <envId>', 'environment id')
    .action(async (o: { env: string }) => {
      await startAndFollow(o.env, 'quotas.scan', { envId: o.env });
    });
  usage
    .command('show <tenant>')
    .description("a tenant's usage against its plan (last pass)")
    .requiredOption('-e, --env <envId>', 'environment id')
    .action(async (tenantId: string, o: { env: string }) => {
      const r = (await callRaw('quotas.usage', { envId: o.env, tenantId })) as TenantUsageDetail;
      out(r, () => usageText(r));
    });
  usage
    .command('list')
    .description('every tenant by its highest quota use')
    .requiredOption('-e, --env <envId>', 'environment id')
    .option('--over <percent>', 'only tenants at or above this use', '0')
    .action(async (o: { env: string; over: string }) => {
      const r = (await callRaw('quotas.list', { envId: o.env })) as QuotaList;
      const min = Number(o.over) / 100;
      const rows = r.rows
        .filter((x) => (x.highest ?? 0) >= min)
        .sort((a, b) => (b.highest ?? -1) - (a.highest ?? -1));
      out({ ...r, rows }, () =>
        table(
          rows.map((x) => ({ ...x, highest: pct(x.highest), flags: x.flags.join(',') })),
          ['tenantId', 'plan', 'status', 'highest', 'flags', 'measuredAt'],
        ),
      );
    });

  const quotas = program.command('quotas').description('per-tenant limits over the plans');
  quotas
    .command('set-override <tenant>')
    .description("override a tenant's limit of one dimension (audited)")
    .requiredOption('-e, --env <envId>', 'environment id')
    .requiredOption('--dimension <d>', 'apiCalls, storageMb, users or services')
    .requiredOption('--limit <n>', 'a whole number, or "unlimited"')
    .requiredOption('--reason <text>', 'why (recorded in the audit log)')
    .action(
      async (
        tenantId: string,
        o: { env: string; dimension: string; limit: string; reason: string },
      ) => {
        const r = (await callRaw('quotas.setOverride', {
          envId: o.env,
          tenantId,
          dimension: o.dimension,
          limit: limitArg(o.limit),
          reason: o.reason,
        })) as TenantUsageDetail;
        out(r, () => usageText(r));
      },
    );
  quotas
    .command('clear-override <tenant>')
    .description('remove an override: the plan applies again (audited)')
    .requiredOption('-e, --env <envId>', 'environment id')
    .requiredOption('--dimension <d>', 'apiCalls, storageMb, users or services')
    .requiredOption('--reason <text>', 'why (recorded in the audit log)')
    .action(async (tenantId: string, o: { env: string; dimension: string; reason: string }) => {
      const r = (await callRaw('quotas.clearOverride', {
        envId: o.env,
        tenantId,
        dimension: o.dimension,
        reason: o.reason,
      })) as TenantUsageDetail;
      out(r, () => usageText(r));
    });

  tenants
    .command('change-plan <tenant>')
    .description('move a tenant to another plan (--preview shows what it would do)')
    .requiredOption('-e, --env <envId>', 'environment id')
    .requiredOption('--plan <plan>', 'the new plan')
    .option('--reason <text>', 'why (recorded in the audit log)')
    .option('--preview', 'print what would change and stop')
    .option('--confirm <tenant>', 'the tenant id again, for a downgrade that sets a flag')
    .option('--yes', 'confirm the change')
    .action(
      async (
        tenantId: string,
        o: {
          env: string;
          plan: string;
          reason?: string;
          preview?: boolean;
          confirm?: string;
          yes?: boolean;
        },
      ) => {
        const ref = { envId: o.env, tenantId, plan: o.plan };
        if (o.preview) {
          const p = (await callRaw('quotas.previewPlan', ref)) as PlanPreview;
          out(p, () => previewText(p));
          return;
        }
        const r = (await callRaw(
          'quotas.changePlan',
          { ...ref, reason: o.reason ?? '', ...(o.confirm && { confirm: o.confirm }) },
          { yes: Boolean(o.yes) },
        )) as { preview: PlanPreview };
        out(r, () => `plan changed\n${previewText(r.preview)}`);
      },
    );
}
