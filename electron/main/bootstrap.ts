import type { Logger } from 'pino';
import { join } from 'node:path';
import { DisposableStore } from './lib/disposables';
import { EventBus } from './lib/event-bus';
import { Router, type Handlers } from './router/router';
import type { Core, CoreOptions, Services } from './core-types';
import { SecretStore } from './secrets/secret-store';
import { AlertsService } from './services/alerts/alerts.service';
import { alertsHandlers } from './services/alerts/alerts.handlers';
import { webhookSettingsFromEnv } from './services/alerts/webhooks';
import { backupsHandlers } from './services/backups/backups.handlers';
import { BackupsService } from './services/backups/backups.service';
import { backupSettingsFromEnv } from './services/backups/runner';
import { environmentFromVars } from './services/environments/env-vars';
import { environmentsHandlers } from './services/environments/environments.handlers';
import { EnvironmentsService } from './services/environments/environments.service';
import { healthHandlers } from './services/health.handlers';
import { HealthService } from './services/health.service';
import { DEFAULT_BULLMQ_SETTINGS, type BullmqSettings } from './services/jobs/bullmq-runner';
import { FileJobStore } from './services/jobs/file-job-store';
import { InProcessJobRunner } from './services/jobs/in-process-runner';
import { JobService } from './services/jobs/job.service';
import { jobsHandlers } from './services/jobs/jobs.handlers';
import { registerJobs, type JobDeps } from './services/jobs/kinds';
import { monitoringHandlers } from './services/monitoring/monitoring.handlers';
import { MonitoringService } from './services/monitoring/monitoring.service';
import { monitoringSettingsFromEnv } from './services/monitoring/settings';
import { partitionsHandlers } from './services/partitions/partitions.handlers';
import { PartitionsService } from './services/partitions/partitions.service';
import { partitionMetrics } from './services/partitions/metrics-deps';
import { ensureMaintenanceSchedule } from './services/partitions/schedule';
import { PrefsService } from './services/prefs.service';
import { quotasHandlers } from './services/quotas/quotas.handlers';
import { QuotasService } from './services/quotas/quotas.service';
import { ensureUsageSchedule } from './services/quotas/schedule';
import { schedulesHandlers } from './services/schedules/schedules.handlers';
import { ScheduleService } from './services/schedules/schedules.service';
import { prefsHandlers, systemHandlers } from './services/system.handlers';
import { BlueprintLoader, type BlueprintDirs } from './services/tenants/blueprints';
import { TenantProvisioner } from './services/tenants/provisioner';
import { tenantsHandlers } from './services/tenants/tenants.handlers';
import { TenantsService } from './services/tenants/tenants.service';
import { ClientRegistry } from './stores/registry';

export type { Core, CoreOptions, Services } from './core-types';

/** The composition root: config → stores → services → router. Never imports `electron`. */
export async function createCore(o: CoreOptions): Promise<Core> {
  const owner = new DisposableStore();
  const bus = new EventBus();
  const prefs = new PrefsService(o.userDataDir, bus, o.logger);
  const secrets = new SecretStore(
    o.userDataDir,
    o.cipher,
    async () => (await prefs.get()).allowWeakSecretStorage,
  );
  // The registry resolves connections through the environments service, created right after.
  const registry: ClientRegistry = owner.add(
    new ClientRegistry((e, c) => environments.resolve(e, c), o.logger),
  );
  const environments: EnvironmentsService = new EnvironmentsService(
    o.userDataDir,
    secrets,
    registry,
    bus,
    o.logger,
    o.env ? environmentFromVars(o.env) : undefined,
  );
  const initialPrefs = await prefs.get();
  const health = owner.add(
    new HealthService(environments, registry, bus, o.logger, initialPrefs.probeIntervalMs),
  );
  owner.add(bus.subscribe('prefs.changed', (p) => health.setInterval(p.probeIntervalMs)));
  owner.add(
    bus.subscribe('environments.changed', ({ envId }) => {
      if (o.probes)
        void health
          .refresh(envId)
          .catch((err: unknown) => o.logger.warn({ err, envId }, 'refresh failed'));
    }),
  );
  // Blueprints by name: the operator's in <state>/blueprints, else the bundled ones; never a path.
  const blueprintDirs: BlueprintDirs = { custom: join(o.userDataDir, 'blueprints') };
  // The job engine comes first: it runs nothing until an engine starts, and its handlers
  // (registered below) need the services it is given to.
  const jobTuning = jobSettings(o.env ?? {});
  const local = owner.add(
    new InProcessJobRunner(new FileJobStore(o.userDataDir), bus, o.logger, {
      progressIntervalMs: jobTuning.progressIntervalMs,
    }),
  );
  const jobs: JobService = owner.add(
    new JobService({
      envs: environments,
      registry,
      bus,
      logger: o.logger,
      local,
      register: (r) => registerJobs(r, jobDeps),
      work: Boolean(o.work),
      events: true,
      settings: jobTuning,
    }),
  );
  const tenantDeps = {
    envs: environments,
    registry,
    bus,
    logger: o.logger,
    blueprintDir: blueprintDirs,
    jobs,
  };
  const tenants = new TenantsService(tenantDeps);
  const provisioner = new TenantProvisioner(tenantDeps);
  const monitoring = owner.add(
    new MonitoringService({
      envs: environments,
      registry,
      bus,
      logger: o.logger.child({ service: 'monitoring' }),
      blueprints: new BlueprintLoader(blueprintDirs),
      settings: { ...monitoringSettingsFromEnv(o.env ?? {}), ...o.monitoring },
    }),
  );
  const monitor = o.monitor ?? Boolean(o.probes);
  owner.add(
    bus.subscribe('environments.changed', ({ envId }) => {
      if (monitor)
        void monitoring
          .sync(envId)
          .catch((err: unknown) => o.logger.warn({ err, envId }, 'monitoring not updated'));
    }),
  );
  // Alerts are evaluated from monitoring's sweeps, so wherever monitoring runs.
  const alerts = owner.add(
    new AlertsService({
      envs: environments,
      registry,
      monitoring,
      bus,
      logger: o.logger.child({ service: 'alerts' }),
      userDataDir: o.userDataDir,
      webhooks: { ...webhookSettingsFromEnv(o.env ?? {}), ...o.alertWebhooks },
    }),
  );
  // The console holding the evaluator lease writes the metric history; the others only chart.
  monitoring.setHistoryWriter((envId) => !alerts.otherConsoleLeads(envId));
  owner.add(
    bus.subscribe('environments.changed', ({ envId }) => {
      void alerts
        .reset(envId)
        .catch((err: unknown) => o.logger.warn({ err, envId }, 'alerts not updated'));
    }),
  );
  const partitions = new PartitionsService({
    envs: environments,
    registry,
    logger: o.logger,
    blueprintDir: blueprintDirs,
    archiveDir: join(o.userDataDir, 'partition-archives'),
  });
  const backups = new BackupsService({
    envs: environments,
    tenants,
    logger: o.logger.child({ service: 'backups' }),
    stateDir: o.userDataDir,
    keelVersion: o.version,
    settings: backupSettingsFromEnv(o.env ?? {}),
  });
  const quotas = owner.add(
    new QuotasService({
      envs: environments,
      registry,
      bus,
      logger: o.logger.child({ service: 'quotas' }),
      blueprintDir: blueprintDirs,
      intervalMs: () => monitoring.settings.intervalMs,
    }),
  );
  const jobDeps: JobDeps = {
    health,
    envs: environments,
    registry,
    tenants: provisioner,
    blueprintDirs,
    partitions,
    backups,
    quotas,
    ...(o.jobThreadFile && { threadFile: o.jobThreadFile }),
  };
  registerJobs(local, jobDeps);
  partitions.attachJobs(jobs);
  backups.attachJobs(jobs);
  quotas.attachJobs(jobs);
  const schedules = owner.add(
    new ScheduleService({
      jobs,
      envs: environments,
      registry,
      bus,
      logger: o.logger,
      userDataDir: o.userDataDir,
      drive: Boolean(o.work),
    }),
  );
  owner.add(
    bus.subscribe('environments.changed', ({ envId }) => {
      // Its Redis or core database may have changed: rebuild the job engine, then its schedules.
      void jobs
        .reset(envId)
        .then(() => (o.work ? jobs.engine(envId).then(() => schedules.sync(envId)) : undefined))
        .catch((err: unknown) => o.logger.warn({ err, envId }, 'job engine not restarted'));
    }),
  );
  const partitionFigures = owner.add(
    partitionMetrics({
      envs: environments,
      partitions,
      jobs,
      schedules,
      monitoring,
      bus,
      logger: o.logger,
      env: o.env ?? {},
    }),
  );
  // Start-up work still running in the background stops once the core is disposed.
  let disposed = false;
  if (o.probes) health.start();
  if (monitor) {
    alerts.start();
    partitionFigures.start();
    void monitoring
      .start()
      .catch((err: unknown) => o.logger.warn({ err }, 'monitoring did not start'));
  }
  if (o.work) {
    // The usage pass runs every 15 minutes by default wherever a tenant catalog exists
    // (KEEL_USAGE_SCHEDULE=off: no default schedule, e.g. suites that count rows exactly).
    const usageSchedule = async (envId: string): Promise<void> => {
      if (o.env?.KEEL_USAGE_SCHEDULE === 'off') return;
      await ensureUsageSchedule(schedules, (id) => quotas.hasCatalog(id), envId, o.logger);
    };
    void jobs
      .startAll()
      .then(() => schedules.syncAll())
      .then(async () => {
        for (const env of await environments.list()) await usageSchedule(env.id);
      })
      .then(() =>
        ensureMaintenanceSchedules(environments, partitions, schedules, o.logger, () => disposed),
      )
      .catch((err: unknown) => o.logger.warn({ err }, 'jobs did not start'));
    owner.add(
      bus.subscribe('tenants.changed', ({ envId, tenantId }) => {
        if (!tenantId) void usageSchedule(envId); // the blueprint was applied
      }),
    );
  }

  const services: Services = {
    prefs,
    environments,
    registry,
    health,
    jobs,
    schedules,
    tenants,
    monitoring,
    alerts,
    partitions,
    backups,
    quotas,
  };
  // One handler file per domain, beside its service (see router/domain.ts for adding one).
  const handlers: Handlers = {
    ...systemHandlers(o, secrets),
    ...prefsHandlers(prefs),
    ...environmentsHandlers({ environments, health }),
    ...healthHandlers({ health, registry }),
    ...monitoringHandlers(monitoring),
    ...jobsHandlers(jobs),
    ...schedulesHandlers(schedules),
    ...tenantsHandlers(tenants),
    ...alertsHandlers(alerts),
    ...partitionsHandlers(partitions),
    ...backupsHandlers(backups, schedules),
    ...quotasHandlers(quotas),
  };
  const router = new Router(handlers, o.logger);
  return {
    router,
    bus,
    services,
    dispose: () => {
      disposed = true;
      return owner.dispose();
    },
  };
}

/**
 * The default daily maintenance schedule of every environment whose blueprint partitions tables
 * and whose servers hold them (an environment without the platform's tables gets none).
 */
async function ensureMaintenanceSchedules(
  envs: EnvironmentsService,
  partitions: PartitionsService,
  schedules: ScheduleService,
  logger: Logger,
  disposed: () => boolean,
): Promise<void> {
  for (const env of await envs.list()) {
    if (disposed()) return;
    try {
      if ((await partitions.policies(env.id)).length === 0) continue;
      if ((await partitions.list(env.id)).tables.length === 0 || disposed()) continue;
      if ((await ensureMaintenanceSchedule(schedules, env.id)) === 'created')
        logger.info({ envId: env.id }, 'daily partition maintenance scheduled (03:00 UTC)');
    } catch (err) {
      logger.warn({ err, envId: env.id }, 'partition maintenance schedule not checked');
    }
  }
}

/** Lock and stall timings, tunable for tests and unusual networks (KEEL_JOBS_*_MS). */
function jobSettings(env: NodeJS.ProcessEnv): BullmqSettings {
  const num = (name: string, fallback: number): number => {
    const v = Number(env[name]);
    return Number.isFinite(v) && v > 0 ? v : fallback;
  };
  return {
    lockDurationMs: num('KEEL_JOBS_LOCK_MS', DEFAULT_BULLMQ_SETTINGS.lockDurationMs),
    stalledIntervalMs: num('KEEL_JOBS_STALLED_MS', DEFAULT_BULLMQ_SETTINGS.stalledIntervalMs),
    maxStalledCount: num('KEEL_JOBS_MAX_STALLED', DEFAULT_BULLMQ_SETTINGS.maxStalledCount),
    progressIntervalMs: num('KEEL_JOBS_PROGRESS_MS', DEFAULT_BULLMQ_SETTINGS.progressIntervalMs),
    retentionDays: num('KEEL_JOBS_RETENTION_DAYS', DEFAULT_BULLMQ_SETTINGS.retentionDays),
    reconcileIntervalMs: num('KEEL_JOBS_RECONCILE_MS', DEFAULT_BULLMQ_SETTINGS.reconcileIntervalMs),
  };
}
