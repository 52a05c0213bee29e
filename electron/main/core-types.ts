import type { Logger } from 'pino';
import type { Shell } from '../../shared/contract/index';
import type { EventBus } from './lib/event-bus';
import type { Router } from './router/router';
import type { SecretCipher } from './secrets/cipher';
import type { AlertsService } from './services/alerts/alerts.service';
import type { WebhookSettings } from './services/alerts/webhooks';
import type { BackupsService } from './services/backups/backups.service';
import type { QuotasService } from './services/quotas/quotas.service';
import type { EnvironmentsService } from './services/environments/environments.service';
import type { HealthService } from './services/health.service';
import type { JobService } from './services/jobs/job.service';
import type { MonitoringSettings } from './services/monitoring/monitoring.service';
import type { MonitoringService } from './services/monitoring/monitoring.service';
import type { PartitionsService } from './services/partitions/partitions.service';
import type { PrefsService } from './services/prefs.service';
import type { ScheduleService } from './services/schedules/schedules.service';
import type { TenantsService } from './services/tenants/tenants.service';
import type { ClientRegistry } from './stores/registry';

/**
 * The types of the composition root, apart from it: handler files and shells import these, and
 * bootstrap.ts imports the handler files, so no import cycle runs through bootstrap.
 */
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
  partitions: PartitionsService;
  backups: BackupsService;
  quotas: QuotasService;
}
