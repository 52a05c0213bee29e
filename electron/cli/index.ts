import { readFile, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { getMethodSpec, methodEntries, type MethodId } from '../../shared/contract/index';
import type { ErrorShape, Result } from '../../shared/errors';
import { JOB_KIND_NAMES, type JobRecord } from '../../shared/jobs';
import type { ProvisionPlan, TenantSummary } from '../../shared/tenants';
import { defaultUserDataDir } from '../main/paths';
import { loadServerToken } from '../server/token';
import { createCliCore } from './context';
import { EXIT, exitCodeFor, printError, table, UsageError } from './output';
import { agent } from './agent';
import { serve } from './serve';
import { version } from './version';

const program = new Command('keel')
  .description('Keel: the ops console of a multi-tenant SaaS data platform (headless shell)')
  .version(version)
  .option('--json', 'print machine-readable JSON on stdout')
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

const json = (): boolean => Boolean(program.opts().json);
let longRunning = false;
const actor = { type: 'user' as const, name: `${userInfo().username}@cli` };

/** Call one contract method through the router, as every shell does. */
async function call(
  method: MethodId | string,
  input: unknown,
  opts: { yes?: boolean } = {},
): Promise<unknown> {
  const spec = getMethodSpec(method);
  if (spec?.destructive && !opts.yes) {
    throw new UsageError(`${method} changes or deletes data: add --yes to confirm`);
  }
  const core = await createCliCore({ shell: 'cli', probes: false });
  const ctl = new AbortController();
  process.once('SIGINT', () => ctl.abort());
  try {
    const r: Result<unknown> = await core.router.dispatch(method, input, {
      shell: 'cli',
      actor,
      signal: ctl.signal,
    });
    if (!r.ok) throw new ResultError(r.error);
    return r.value;
  } finally {
    await core.dispose();
  }
}

class ResultError extends Error {
  constructor(readonly shape: ErrorShape) {
    super(shape.message);
  }
}

function out(value: unknown, human: () => string): void {
  process.stdout.write((json() ? JSON.stringify(value, null, 2) : human()) + '\n');
}

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    throw new InvalidArgumentError('not valid JSON');
  }
};

program
  .command('methods')
  .description('list every contract method')
  .action(() =>
    out(
      methodEntries.map(([id, s]) => ({
        method: id,
        summary: s.summary,
        destructive: Boolean(s.destructive),
      })),
      () =>
        table(
          methodEntries.map(([id, s]) => ({
            method: id,
            summary: s.summary + (s.destructive ? ' [--yes]' : ''),
          })),
          ['method', 'summary'],
        ),
    ),
  );

program
  .command('call <method> [input]')
  .description('call any contract method with JSON input ("-" reads stdin)')
  .option('--yes', 'confirm a destructive method')
  .action(async (method: string, input: string | undefined, o: { yes?: boolean }) => {
    const text = input === '-' ? await readStdin() : (input ?? '{}');
    const value = await call(method, parseJson(text), o);
    out(value, () => JSON.stringify(value, null, 2));
  });

program
  .command('info')
  .description('show version, user-data directory and secret storage')
  .action(async () => {
    const v = (await call('system.info', {})) as Record<string, unknown>;
    out(v, () =>
      Object.entries(v)
        .map(([k, x]) => `${k}: ${typeof x === 'object' ? JSON.stringify(x) : String(x)}`)
        .join('\n'),
    );
  });

const env = program.command('env').description('environments and connections');
env.command('list').action(async () => {
  const list = (await call('environments.list', {})) as Array<{
    id: string;
    name: string;
    source: string;
    connections: Array<Record<string, unknown>>;
  }>;
  out(list, () =>
    table(
      list.flatMap((e) =>
        e.connections.map((c) => ({
          env: e.id,
          source: e.source,
          ...c,
          address: `${String(c.host)}:${String(c.port)}`,
        })),
      ),
      ['env', 'id', 'kind', 'role', 'address', 'hasSecret', 'source'],
    ),
  );
});
env
  .command('export <envId>')
  .option('--passphrase-env <var>', 'include secrets, sealed with the passphrase in this variable')
  .option('-o, --output <file>', 'write to a file instead of stdout')
  .action(async (envId: string, o: { passphraseEnv?: string; output?: string }) => {
    const passphrase = o.passphraseEnv ? requireVar(o.passphraseEnv) : undefined;
    const r = (await call('environments.exportYaml', {
      envId,
      ...(passphrase && { passphrase }),
    })) as { yaml: string };
    if (o.output) await writeFile(o.output, r.yaml, { mode: 0o600 });
    else process.stdout.write(r.yaml);
  });
env
  .command('import <file>')
  .option('--passphrase-env <var>', 'the passphrase that sealed the secrets, in this variable')
  .option('--replace', 'overwrite an existing environment of the same id')
  .option('--yes', 'confirm')
  .action(async (file: string, o: { passphraseEnv?: string; replace?: boolean; yes?: boolean }) => {
    const yaml = await readFile(file, 'utf8');
    const passphrase = o.passphraseEnv ? requireVar(o.passphraseEnv) : undefined;
    const v = await call(
      'environments.importYaml',
      { yaml, replace: Boolean(o.replace), ...(passphrase && { passphrase }) },
      o,
    );
    out(v, () => `imported ${(v as { id: string }).id}`);
  });

program
  .command('health')
  .description('probe every store of an environment now')
  .requiredOption('-e, --env <envId>', 'environment id')
  .action(async (o: { env: string }) => {
    const rows = (await call('health.probe', { envId: o.env })) as Array<Record<string, unknown>>;
    out(rows, () =>
      table(
        rows.map((r) => ({
          ...r,
          lag: r.replicationLagSec,
          problem: (r.error as { message?: string } | undefined)?.message,
        })),
        [
          'connectionId',
          'endpoint',
          'kind',
          'address',
          'status',
          'latencyMs',
          'version',
          'serverRole',
          'lag',
          'problem',
        ],
      ),
    );
    if (rows.some((r) => r.status === 'down')) process.exitCode = EXIT.failed;
  });

const jobs = program.command('jobs').description('background jobs');
jobs
  .command('list')
  .addOption(
    new Option('--state <state>').choices([
      'queued',
      'running',
      'completed',
      'failed',
      'cancelled',
    ]),
  )
  .option('--limit <n>', 'how many', (v) => Number.parseInt(v, 10), 50)
  .action(async (o: { state?: string; limit: number }) => {
    const list = (await call('jobs.list', {
      limit: o.limit,
      ...(o.state && { state: o.state }),
    })) as JobRecord[];
    out(list, () =>
      table(
        list.map((j) => ({ ...j, by: j.actor.name, error: j.error?.message })),
        ['id', 'kind', 'state', 'envId', 'by', 'createdAt', 'error'],
      ),
    );
  });
jobs
  .command('run <kind>')
  .description(`start a job and follow it to the end (${JOB_KIND_NAMES.join(', ')})`)
  .requiredOption('-e, --env <envId>', 'environment id')
  .option(
    '--payload <json>',
    'the rest of the payload as JSON (e.g. {"durationSec":600,"intervalSec":10})',
    '{}',
  )
  .action(async (kind: string, o: { env: string; payload: string }) => {
    const payload = { ...(parseJson(o.payload) as object), envId: o.env };
    await startAndFollow(o.env, 'jobs.start', { kind, payload });
  });

/**
 * Start a job through a contract method and follow it to its end: progress on stderr, the final
 * record on stdout, exit code 1 unless it completed. Ctrl-C cancels the job.
 */
async function startAndFollow(
  envId: string,
  method: MethodId,
  input: unknown,
  opts: { yes?: boolean } = {},
): Promise<JobRecord> {
  const spec = getMethodSpec(method);
  if (spec?.destructive && !opts.yes) {
    throw new UsageError(`${method} changes or deletes data: add --yes to confirm`);
  }
  const core = await createCliCore({ shell: 'cli', probes: false });
  try {
    const engine = await core.services.jobs.status(envId).catch(() => undefined);
    // A one-shot CLI runs no workers: with a coordinated engine something else must.
    if (engine?.coordinated && engine.workers === 0) {
      throw new ResultError({
        code: 'PRECONDITION_FAILED',
        message: `no Keel worker is running for ${envId}: start \`keel agent\` (or the desktop app / keel serve) first`,
      });
    }
    const started = await core.router.dispatch(method, input, {
      shell: 'cli',
      actor,
      signal: new AbortController().signal,
    });
    if (!started.ok) throw new ResultError(started.error);
    const id = (started.value as JobRecord).id;
    const sub = core.bus.subscribe('jobs.progress', (p) => {
      if (p.id === id && !json())
        process.stderr.write(
          `\r${p.progress.done}/${p.progress.total ?? '?'} ${p.progress.message ?? ''}`.padEnd(70),
        );
    });
    process.once('SIGINT', () => void core.services.jobs.cancel(id));
    const final = await core.services.jobs.wait(id);
    sub.dispose();
    if (!json()) process.stderr.write('\n');
    out(final, () => `${final.state}: ${JSON.stringify(final.result ?? final.error)}`);
    if (final.state !== 'completed') process.exitCode = EXIT.failed;
    return final;
  } finally {
    await core.dispose();
  }
}

const tenants = program.command('tenants').description('tenants of an environment');
tenants
  .command('list')
  .requiredOption('-e, --env <envId>', 'environment id')
  .option('--status <status>', 'only tenants in this status')
  .action(async (o: { env: string; status?: string }) => {
    const { tenants: all } = (await call('tenants.list', { envId: o.env })) as {
      tenants: TenantSummary[];
    };
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
        tier: string;
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
        const plan = (await call('tenants.preview', { envId: o.env, spec })) as ProvisionPlan;
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

program
  .command('agent')
  .description(
    'run job workers and schedules headless (JSON logs on stdout, GET /healthz on loopback)',
  )
  .option('--health-host <address>', 'loopback address of the health endpoint', '127.0.0.1')
  .option(
    '--health-port <port>',
    'port of the health endpoint (0 = any)',
    (v) => Number.parseInt(v, 10),
    7421,
  )
  .option(
    '--grace <seconds>',
    'on SIGTERM, how long running jobs may take to finish',
    (v) => Number.parseInt(v, 10),
    30,
  )
  .option('--no-monitor', 'do not collect metrics or evaluate alerts here')
  .action(
    async (o: { healthHost: string; healthPort: number; grace: number; monitor: boolean }) => {
      if (!Number.isInteger(o.healthPort) || o.healthPort < 0 || o.healthPort > 65535)
        throw new UsageError('--health-port must be 0-65535');
      if (!Number.isInteger(o.grace) || o.grace < 0)
        throw new UsageError('--grace must be a number of seconds');
      longRunning = true;
      await agent({
        healthHost: o.healthHost,
        healthPort: o.healthPort,
        graceMs: o.grace * 1000,
        monitor: o.monitor,
      });
    },
  );

program
  .command('serve')
  .description('serve the console over HTTP + WebSocket on loopback, token-protected')
  .option('--host <address>', 'address to listen on', '127.0.0.1')
  .option('--port <port>', 'port (0 = any free port)', (v) => Number.parseInt(v, 10), 7420)
  .option('--allow-remote', 'allow a non-loopback address (prints a warning)')
  .option('--no-probes', 'do not run scheduled health probes')
  .option('--static <dir>', 'serve the renderer from this directory')
  .action(
    async (o: {
      host: string;
      port: number;
      allowRemote?: boolean;
      probes: boolean;
      static?: string;
    }) => {
      if (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535)
        throw new UsageError('--port must be 0-65535');
      longRunning = true;
      await serve({
        host: o.host,
        port: o.port,
        allowRemote: Boolean(o.allowRemote),
        probes: o.probes,
        json: json(),
        ...(o.static && { static: o.static }),
      });
    },
  );

program
  .command('token')
  .description('print the server-mode sign-in URL (with its token)')
  .option('--port <port>', 'the port keel serve listens on', '7420')
  .action(async (o: { port: string }) => {
    const t = await loadServerToken(defaultUserDataDir());
    out({ token: t.token }, () => `http://127.0.0.1:${o.port}/?token=${t.token}`);
  });

function requireVar(name: string): string {
  const v = process.env[name];
  if (!v) throw new UsageError(`variable ${name} is not set`);
  return v;
}

async function readStdin(): Promise<string> {
  let s = '';
  for await (const chunk of process.stdin) s += chunk;
  return s;
}

async function main(): Promise<void> {
  try {
    await program.parseAsync(process.argv);
    // One-shot commands end here; `serve` keeps its server (and the process) running.
    if (!longRunning) process.exit(process.exitCode ?? EXIT.ok);
  } catch (e) {
    if (e instanceof CommanderError) {
      if (
        e.code === 'commander.helpDisplayed' ||
        e.code === 'commander.version' ||
        e.exitCode === 0
      )
        process.exit(0);
      process.exit(EXIT.usage);
    }
    if (e instanceof UsageError) {
      printError({ code: 'VALIDATION', message: e.message }, json());
      process.exit(EXIT.usage);
    }
    if (e instanceof ResultError) {
      printError(e.shape, json());
      process.exit(exitCodeFor(e.shape));
    }
    printError({ code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) }, json());
    process.exit(EXIT.failed);
  }
}

void main();
