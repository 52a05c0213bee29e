// A process that provisions one tenant and SIGKILLs itself before the first step whose key starts
// with CHILD_DIE_AT: the "crash mid-provisioning" of test/integration/tenants. Run with tsx.
import { createCore } from '../../electron/main/bootstrap';
import { silentLogger } from '../../electron/main/lib/logger';
import { KeyCipher } from '../../electron/main/secrets/cipher';
import { TenantProvisioner } from '../../electron/main/services/tenants/provisioner';

const id = process.env.CHILD_TENANT ?? 'child';
const dieAt = process.env.CHILD_DIE_AT ?? 'redis:';

const core = await createCore({
  shell: 'cli',
  version: 't',
  userDataDir: process.env.KEEL_HOME ?? '/tmp',
  cipher: new KeyCipher('t', Buffer.alloc(32, 7)),
  logger: silentLogger(),
  env: process.env,
});
const svc = new TenantProvisioner({
  envs: core.services.environments,
  registry: core.services.registry,
  bus: core.bus,
  logger: silentLogger(),
  beforeStep: (key) => {
    if (key.startsWith(dieAt)) process.kill(process.pid, 'SIGKILL');
  },
});
await svc.provision(
  process.env.KEEL_ENV_ID ?? 'plat',
  { id, name: `${id} Inc`, plan: 'pro', tier: 'dedicated_schema' },
  {
    actor: { type: 'user', name: 'child' },
    signal: new AbortController().signal,
    progress: () => undefined,
    log: () => undefined,
  },
);
process.stderr.write('provisioning finished without dying\n');
process.exit(3);
