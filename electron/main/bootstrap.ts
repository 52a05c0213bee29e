import type { Logger } from 'pino';
import type { Shell } from '../../shared/contract/index';
import { DisposableStore } from './lib/disposables';
import { EventBus } from './lib/event-bus';
import { handlers } from './router/handlers';
import { Router } from './router/router';
import type { SecretCipher } from './secrets/cipher';
import { SecretStore } from './secrets/secret-store';
import { environmentFromVars } from './services/environments/env-vars';
import { EnvironmentsService } from './services/environments/environments.service';
import { HealthService } from './services/health.service';
import { FileJobStore } from './services/jobs/file-job-store';
import { InProcessJobRunner } from './services/jobs/in-process-runner';
import { registerJobs } from './services/jobs/kinds';
import type { JobRunner } from './services/jobs/types';
import { PrefsService } from './services/prefs.service';
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
  /** Electron version, when running inside Electron. */
  electron?: string;
  /** Desktop-only actions the platform layer provides. */
  platform?: { openLink(url: string): Promise<boolean> };
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
  jobs: JobRunner;
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
  const jobs = owner.add(new InProcessJobRunner(new FileJobStore(o.userDataDir), bus, o.logger));
  registerJobs(jobs, health);
  if (o.probes) health.start();

  const services: Services = { prefs, environments, registry, health, jobs };
  const router = new Router(handlers(o, services, secrets), o.logger);
  return { router, bus, services, dispose: () => owner.dispose() };
}
