import type { Logger } from 'pino';
import type { Shell } from '../../shared/contract/index';
import { DisposableStore } from './lib/disposables';
import { EventBus } from './lib/event-bus';
import { handlers } from './router/handlers';
import { Router } from './router/router';
import type { SecretCipher } from './secrets/cipher';
import { SecretStore } from './secrets/secret-store';
import { AlertsService } from './services/alerts/alerts.service';
import type { WebhookSettings } from './services/alerts/webhooks';
import { environmentFromVars } from './services/environments/env-vars';
import { EnvironmentsService } from './services/environments/environments.service';
import { HealthService } from './services/health.service';
import { DEFAULT_BULLMQ_SETTINGS, type BullmqSettings } from './services/jobs/bullmq-runner';
import { FileJobStore } from './services/jobs/file-job-store';
import { InProcessJobRunner } from './services/jobs/in-process-runner';
import { JobService } from './services/jobs/job.service';
import { registerJobs } from './services/jobs/kinds';
import {
  MonitoringService,
  type MonitoringSettings,
} from './services/monitoring/monitoring.service';
import { monitoringSettingsFromEnv } from './services/monitoring/settings';
import { PrefsService } from './services/prefs.service';
import { ScheduleService } from './services/schedules/schedules.service';
import { TenantsService } from './services/tenants/tenants.service';
import { ClientRegistry } from './stores/registry';

export interface CoreOptions {
  shell: Shell;
  version: string;
  userDataDir: string;
  cipher: SecretCipher;
  logger: Logger;
  /** Variables to read a KEEL_* environment from (default: none). */
  env?: NodeJS.ProcessEnv;
  /** Start scheduled health probes (desktop and server yes; one-shot CLI commands no). */
  probes?: boolean;
  /** Collect metrics on a schedule (default: as `probes`; one-shot CLI commands no). */
  monitor?: boolean;
  /** Monitoring tuning over the defaults and the KEEL_MONITOR_* variables. */
  monitoring?: Partial<MonitoringSettings>;
  /** Alert webhook delivery tuning (attempts, back-off, time-out). */
  alertWebhooks?: Partial<WebhookSettings>;
  /** Electron version, when running inside Electron. */
  electron?: string;
  /** Desktop-only actions the platform layer provides. */
  platform?: { openLink(url: string): Promise<boolean> };
  /** Run job workers and drive schedules here (desktop, server, agent; not one-shot CLI calls). */
  work?: boolean;
  /** out/main/job-thread.js: long jobs run on worker threads from it (inline without it). */
  jobThreadFile?: string;
}

/** Everything a shell needs: the router, the event bus, the services, and one owner to dispose. */
export interface Core {
  router: Router;
  bus: EventBus;
  services: Services;
  dispose(): Promise<void>;
}

export interface Services {
  prefs: PrefsService;
  environments: EnvironmentsService;
  registry: ClientRegistry;
  health: HealthService;
  jobs: JobService;
  schedules: ScheduleService;
  tenants: TenantsService;
  monitoring: MonitoringService;
  alerts: AlertsService;
}

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
  const tenants = new TenantsService({ envs: environments, registry, bus, logger: o.logger });
  const monitoring = owner.add(
    new MonitoringService({
      envs: environments,
      registry,
      bus,
      logger: o.logger.child({ service: 'monitoring' }),
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
      ...(o.alertWebhooks && { webhooks: o.alertWebhooks }),
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
  const jobDeps = {
    health,
    envs: environments,
    registry,
    tenants,
    ...(o.jobThreadFile && { threadFile: o.jobThreadFile }),
  };
  const local = owner.add(new InProcessJobRunner(new FileJobStore(o.userDataDir), bus, o.logger));
  registerJobs(local, jobDeps);
  const jobs = owner.add(
    new JobService({
      envs: environments,
      registry,
      bus,
      logger: o.logger,
      local,
      register: (r) => registerJobs(r, jobDeps),
      work: Boolean(o.work),
      events: true,
      settings: jobSettings(o.env ?? {}),
    }),
  );
  tenants.attachJobs(jobs);
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
  if (o.probes) health.start();
  if (monitor) {
    alerts.start();
    void monitoring
      .start()
      .catch((err: unknown) => o.logger.warn({ err }, 'monitoring did not start'));
  }
  if (o.work) {
    void jobs
      .startAll()
      .then(() => schedules.syncAll())
      .catch((err: unknown) => o.logger.warn({ err }, 'jobs did not start'));
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
  };
  const router = new Router(handlers(o, services, secrets), o.logger);
  return { router, bus, services, dispose: () => owner.dispose() };
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
  };
}
