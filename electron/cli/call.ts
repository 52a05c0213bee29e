import {
  getMethodSpec,
  type MethodId,
  type MethodInput,
  type MethodOutput,
} from '../../shared/contract/index';
import type { ErrorShape } from '../../shared/errors';
import type { JobRecord } from '../../shared/jobs';
import { createCliCore } from './context';
import { EXIT, UsageError } from './output';
import { actor, json, out } from './program';

/** A contract method's error, printed with its code by main(). */
export class ResultError extends Error {
  constructor(readonly shape: ErrorShape) {
    super(shape.message);
  }
}

/**
 * Call one contract method through the router, as every shell does. Typed by the contract: the
 * input is the method's input, the value its output (the router has checked both).
 */
export async function call<M extends MethodId>(
  method: M,
  input: MethodInput<M>,
  opts: { yes?: boolean } = {},
): Promise<MethodOutput<M>> {
  return (await callRaw(method, input, opts)) as MethodOutput<M>;
}

/**
 * Call a method named at run time (`keel call <method> <json>`): the router checks the name and
 * the input, so bad ones come back as UNKNOWN_METHOD / VALIDATION like any other caller's.
 */
export async function callRaw(
  method: string,
  input: unknown,
  opts: { yes?: boolean } = {},
): Promise<unknown> {
  refuseUnconfirmed(method, opts);
  const core = await createCliCore({ shell: 'cli', probes: false });
  const ctl = new AbortController();
  process.once('SIGINT', () => ctl.abort());
  try {
    const r = await core.router.dispatch(method, input, {
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

/** Methods whose value is the job they started. */
type JobStarter =
  | 'jobs.start'
  | 'backups.run'
  | 'tenants.applyBlueprint'
  | 'tenants.provision'
  | 'tenants.bulkProvision'
  | 'partitions.apply'
  | 'partitions.archive'
  | 'quotas.scan';

/**
 * Start a job through a contract method and follow it to its end: progress on stderr, the final
 * record on stdout, exit code 1 unless it completed. Ctrl-C cancels the job.
 */
export function startAndFollow<M extends JobStarter>(
  envId: string,
  method: M,
  input: MethodInput<M>,
  opts: { yes?: boolean } = {},
): Promise<JobRecord> {
  return followRaw(envId, method, input, opts);
}

/** `startAndFollow` for input typed at run time (`keel jobs run <kind> --payload <json>`). */
export async function followRaw(
  envId: string,
  method: JobStarter,
  input: unknown,
  opts: { yes?: boolean } = {},
): Promise<JobRecord> {
  refuseUnconfirmed(method, opts);
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
    const id = (started.value as MethodOutput<JobStarter>).id;
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

function refuseUnconfirmed(method: string, opts: { yes?: boolean }): void {
  if (getMethodSpec(method)?.destructive && !opts.yes) {
    throw new UsageError(`${method} changes or deletes data: add --yes to confirm`);
  }
}
