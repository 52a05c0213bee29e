import { KeelError } from '../../../shared/errors';
import { applySecretPatch } from '../../../shared/models/environment';
import type { CoreOptions, Services } from '../bootstrap';
import type { SecretStore } from '../secrets/secret-store';
import { describeCron, nextRuns } from '../services/schedules/cron';
import type { Handlers } from './router';

/** Contract method → service call. Thin: validation happened in the router, rules live in services. */
export function handlers(o: CoreOptions, s: Services, secrets: SecretStore): Handlers {
  return {
    'system.info': () => ({
      name: 'Keel',
      version: o.version,
      shell: o.shell,
      platform: `${process.platform}-${process.arch}`,
      node: process.versions.node,
      ...(o.electron && { electron: o.electron }),
      userDataDir: o.userDataDir,
      secretStorage: secrets.backend,
    }),
    'system.openExternal': async ({ url }) => {
      if (!o.platform) throw new KeelError('UNSUPPORTED', 'opening links needs the desktop app');
      return { opened: await o.platform.openLink(url) };
    },
    'prefs.get': () => s.prefs.get(),
    'prefs.set': (patch) => s.prefs.set(patch),
    'environments.list': () => s.environments.list(),
    'environments.save': (meta) => s.environments.save(meta),
    'environments.remove': async ({ envId, confirm }) => ({
      removed: await s.environments.remove(envId, confirm),
    }),
    'environments.saveConnection': ({ envId, connection, secret }) =>
      s.environments.saveConnection(envId, connection, secret),
    'environments.removeConnection': async ({ envId, connectionId }) => ({
      removed: await s.environments.removeConnection(envId, connectionId),
    }),
    'environments.testConnection': async ({ envId, connection, secret }) => {
      const stored = await s.environments.storedSecret(envId, connection.id).catch(() => undefined);
      return s.health.test(envId, connection, applySecretPatch(stored, secret));
    },
    'environments.exportYaml': ({ envId, passphrase }) =>
      s.environments.exportYaml(envId, passphrase),
    'environments.importYaml': ({ yaml, passphrase, replace }) =>
      s.environments.importYaml(yaml, passphrase, replace),
    'health.snapshot': ({ envId }) => s.health.snapshot(envId),
    'health.probe': ({ envId, connectionId }) => s.health.probe(envId, connectionId),
    'health.pools': ({ envId }) =>
      s.registry
        .open()
        .filter((e) => !envId || e.envId === envId)
        .map((e) => ({
          envId: e.envId,
          connectionId: e.client.connection.id,
          kind: e.client.kind,
          open: true,
          pool: e.client.stats(),
        })),
    'monitoring.latest': ({ envId, connectionId }) => s.monitoring.latest(envId, connectionId),
    'monitoring.series': (input) => s.monitoring.series(input),
    'monitoring.stats': ({ envId }) => s.monitoring.stats(envId),
    'monitoring.tenantActivity': ({ envId, connectionId, refresh }) =>
      s.monitoring.tenantActivity(envId, connectionId, refresh),
    'jobs.start': (input, ctx) => s.jobs.start(input.kind, input.payload, { actor: ctx.actor }),
    'jobs.cancel': ({ id }) => s.jobs.cancel(id),
    'jobs.retry': ({ id }, ctx) => s.jobs.retry(id, { actor: ctx.actor }),
    'jobs.status': ({ envId }) => s.jobs.status(envId),
    'jobs.get': ({ id }) => s.jobs.get(id),
    'jobs.list': (filter) => s.jobs.list(filter),
    'schedules.list': ({ envId }) => s.schedules.list(envId),
    'schedules.save': (input, ctx) => s.schedules.save(input, ctx.actor),
    'schedules.remove': async ({ envId, id }) => ({ removed: await s.schedules.remove(envId, id) }),
    'schedules.pause': ({ envId, id }) => s.schedules.setEnabled(envId, id, false),
    'schedules.resume': ({ envId, id }) => s.schedules.setEnabled(envId, id, true),
    'schedules.runNow': ({ envId, id }, ctx) => s.schedules.runNow(envId, id, ctx.actor),
    'schedules.preview': ({ cron, tz, count }) => ({
      next: nextRuns(cron, tz, count),
      description: describeCron(cron),
    }),
    'tenants.blueprint': ({ envId }) => s.tenants.blueprint(envId),
    'tenants.list': async ({ envId }) => ({ tenants: await s.tenants.list(envId) }),
    'tenants.get': ({ envId, tenantId }) => s.tenants.get(envId, tenantId),
    'tenants.preview': ({ envId, spec }) => s.tenants.preview(envId, spec),
    'tenants.provision': ({ envId, spec }, ctx) => s.tenants.startProvision(envId, spec, ctx.actor),
    'tenants.bulkProvision': ({ envId, format, text }, ctx) =>
      s.tenants.startBulk(envId, format, text, ctx.actor),
    'tenants.suspend': ({ envId, tenantId, reason }, ctx) =>
      s.tenants.suspend(envId, tenantId, reason, ctx.actor),
    'tenants.resume': ({ envId, tenantId, reason }, ctx) =>
      s.tenants.resume(envId, tenantId, reason, ctx.actor),
    'tenants.markForDeletion': ({ envId, tenantId, reason, graceDays }, ctx) =>
      s.tenants.markForDeletion(envId, tenantId, reason, graceDays, ctx.actor),
    'tenants.cancelDeletion': ({ envId, tenantId, reason }, ctx) =>
      s.tenants.cancelDeletion(envId, tenantId, reason, ctx.actor),
    'tenants.purge': ({ envId, tenantId, confirm, reason }, ctx) =>
      s.tenants.startPurge(envId, tenantId, confirm, reason, ctx.actor),
    'tenants.interrupted': ({ envId }) => s.tenants.interrupted(envId),
    'tenants.resumeProvisioning': ({ envId, tenantId }, ctx) =>
      s.tenants.startResume(envId, tenantId, ctx.actor),
    'tenants.rollback': ({ envId, tenantId }, ctx) =>
      s.tenants.startRollback(envId, tenantId, ctx.actor),
    'tenants.applyBlueprint': ({ envId }, ctx) => s.tenants.startApply(envId, ctx.actor),
    'tenants.audit': ({ envId, tenantId, limit }) => s.tenants.audit(envId, tenantId, limit),
    'alerts.list': (filter) => s.alerts.list(filter),
    'alerts.get': ({ envId, id }) => s.alerts.get(envId, id),
    'alerts.summary': () => s.alerts.summary(),
    'alerts.acknowledge': ({ envId, id, note, untilMinutes }, ctx) =>
      s.alerts.acknowledge(envId, id, ctx.actor.name, note, untilMinutes),
    'alerts.resolve': ({ envId, id, note }, ctx) =>
      s.alerts.resolve(envId, id, ctx.actor.name, note),
    'alerts.history': ({ envId, search, since, limit }) =>
      s.alerts.history(envId, { search, since, limit }),
    'alerts.rules': ({ envId }) => s.alerts.rules(envId),
    'alerts.saveRule': (rule) => s.alerts.saveRule(rule),
    'alerts.removeRule': ({ envId, id }) => s.alerts.removeRule(envId, id),
    'alerts.previewRule': ({ rule, hours }) => s.alerts.previewRule(rule, hours),
    'alerts.silences': ({ envId }) => s.alerts.silences(envId),
    'alerts.saveSilence': (silence, ctx) => s.alerts.saveSilence(silence, ctx.actor.name),
    'alerts.removeSilence': ({ envId, id }) => s.alerts.removeSilence(envId, id),
    'alerts.webhooks': ({ envId }) => s.alerts.webhooks(envId),
    'alerts.saveWebhooks': ({ envId, webhooks }) => s.alerts.saveWebhooks(envId, webhooks),
  };
}
