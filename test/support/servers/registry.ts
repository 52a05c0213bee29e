import { spawn } from 'node:child_process';
import type { Socket } from 'node:net';

/** Something started by the harness that must not outlive the test process. */
export interface Tracked {
  /** Orderly shutdown and cleanup; idempotent. */
  stop(): Promise<void>;
  /** Synchronous last resort from the 'exit' handler: SIGKILL and delete files, no waiting. */
  abandon(): void;
}

interface Shared {
  tracked: Set<Tracked>;
  watchdog: Watchdog | undefined;
}

// Vitest re-evaluates modules per test file, possibly in the same worker process. Keeping the
// registry on globalThis means one exit handler and one watchdog per process, not one per file.
const KEY = Symbol.for('keel.test-support.servers');
const globals = globalThis as typeof globalThis & { [KEY]?: Shared };
const shared: Shared = globals[KEY] ?? createShared();

function createShared(): Shared {
  const created: Shared = { tracked: new Set(), watchdog: undefined };
  globals[KEY] = created;
  // 'exit' handlers must be synchronous, hence abandon() rather than stop().
  process.on('exit', () => {
    for (const item of created.tracked) {
      try {
        item.abandon();
      } catch {
        // Best effort: keep going so one failure does not leave the other servers running.
      }
    }
  });
  return created;
}

export function track(item: Tracked): void {
  shared.tracked.add(item);
}

export function untrack(item: Tracked): void {
  shared.tracked.delete(item);
}

/** Stops every server and proxy started in this process (for a global teardown). */
export async function stopAll(): Promise<void> {
  const items = [...shared.tracked];
  const results = await Promise.allSettled(items.map((item) => item.stop()));
  const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failures.length > 0) {
    throw new AggregateError(
      failures.map((f) => f.reason),
      `stopAll: ${failures.length} of ${items.length} failed to stop`,
    );
  }
}

/**
 * The 'exit' handler does not run when the test process dies from SIGKILL, SIGTERM without a
 * handler, or an abort (a vitest worker being torn down can be any of these). So each process
 * also gets one tiny shell watchdog in its own session, holding the read end of a pipe: when the
 * pipe closes — however the process died — it SIGKILLs the servers still registered and deletes
 * their directories.
 */
const WATCHDOG_SCRIPT = `
reg=''
nl='
'
while IFS= read -r line; do
  case $line in
    +*) reg="$reg\${line#+}$nl" ;;
    -*) reg="$(printf '%s' "$reg" | grep -vxF -e "\${line#-}")$nl" ;;
  esac
done
printf '%s' "$reg" | while read -r kind arg; do
  if [ "$kind" = p ]; then kill -9 "$arg" 2>/dev/null; fi
done
printf '%s' "$reg" | while read -r kind arg; do
  if [ "$kind" = d ]; then rm -rf -- "$arg"; fi
done
`;

class Watchdog {
  private readonly stdin: Socket | undefined;

  constructor() {
    try {
      // detached: its own session, so a Ctrl-C aimed at the test run does not kill it first.
      const child = spawn('/bin/sh', ['-c', WATCHDOG_SCRIPT], {
        detached: true,
        stdio: ['pipe', 'ignore', 'ignore'],
      });
      child.on('error', () => undefined);
      child.unref();
      const stdin = child.stdin as Socket | null;
      if (stdin) {
        stdin.on('error', () => undefined);
        // Neither the watchdog nor its pipe may keep the test process alive.
        stdin.unref();
        this.stdin = stdin;
      }
    } catch {
      this.stdin = undefined;
    }
  }

  send(line: string): void {
    if (line.includes('\n')) throw new Error(`watchdog entry must be one line: ${line}`);
    this.stdin?.write(`${line}\n`);
  }
}

function watchdog(): Watchdog {
  shared.watchdog ??= new Watchdog();
  return shared.watchdog;
}

export function guardPid(pid: number): void {
  watchdog().send(`+p ${pid}`);
}

export function releasePid(pid: number): void {
  watchdog().send(`-p ${pid}`);
}

export function guardDir(dir: string): void {
  watchdog().send(`+d ${dir}`);
}

export function releaseDir(dir: string): void {
  watchdog().send(`-d ${dir}`);
}
