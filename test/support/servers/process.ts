import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import {
  accessSync,
  closeSync,
  constants,
  mkdtempSync,
  openSync,
  readFileSync,
  statSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeError, sleep } from '../ports';
import { guardPid, releasePid } from './registry';

const SEARCH_DIRS = ['/usr/sbin', '/usr/local/sbin', '/usr/local/bin', '/usr/bin', '/sbin', '/bin'];

/**
 * Absolute path of a server binary. Looks in PATH and the sbin directories (mariadbd lives in
 * /usr/sbin, which is not on a normal user's PATH) and says what to install when it is missing.
 */
export function findBinary(name: string, installHint: string): string {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean), ...SEARCH_DIRS];
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  throw new Error(`${name} not found: ${installHint}`);
}

/** A fresh directory under os.tmpdir(), named so leftovers are easy to attribute. */
export function makeTempDir(kind: string, name?: string): string {
  const label = name ? `${kind}-${name.replace(/[^A-Za-z0-9_.-]/g, '_')}` : kind;
  return mkdtempSync(path.join(os.tmpdir(), `keel-test-${label}-`));
}

/**
 * Last lines of the given log files, for error messages. `from` skips what earlier runs of the
 * same server wrote, so an old "address in use" is not mistaken for the current failure.
 */
export function logTail(files: string[], lines = 25, from: number[] = []): string {
  const parts: string[] = [];
  for (const [i, file] of files.entries()) {
    try {
      const text = readFileSync(file)
        .subarray(from[i] ?? 0)
        .toString('utf8')
        .trimEnd();
      if (text) parts.push(`--- ${file}\n${text.split('\n').slice(-lines).join('\n')}`);
    } catch {
      // the server may have died before creating it
    }
  }
  return parts.length > 0 ? parts.join('\n') : '(no log output)';
}

const ADDRESS_IN_USE =
  /address already in use|EADDRINUSE|bind on tcp\/ip port|could not create server tcp listening socket/i;

/** A server exited or never became ready. `addressInUse` lets callers retry with another port. */
export class ServerStartError extends Error {
  constructor(
    message: string,
    readonly addressInUse: boolean,
  ) {
    super(message);
    this.name = 'ServerStartError';
  }
}

export interface ServerProcessOptions {
  /** Human name used in errors, e.g. "MariaDB on 127.0.0.1:40001". */
  what: string;
  command: string;
  args: string[];
  cwd: string;
  /** Receives the child's stdout and stderr (appended, so restarts keep the history). */
  logFile: string;
  /** Further logs worth quoting when the server fails (e.g. MariaDB's error log). */
  extraLogs?: string[];
  /** Resolves true once the server accepts work; a throw counts as "not yet". */
  ready: () => Promise<boolean>;
  readyTimeoutMs?: number;
}

interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  error?: Error;
}

/**
 * One server binary run as a direct, non-daemonized child so the harness holds its ChildProcess,
 * can SIGKILL it and knows exactly when it is gone. Can be started again after it exited.
 */
export class ServerProcess {
  private child: ChildProcess | undefined;
  private exit: Promise<ExitInfo> | undefined;
  private exitInfo: ExitInfo | undefined;
  private lastPid = -1;
  private logOffsets: number[] = [];

  constructor(private readonly options: ServerProcessOptions) {}

  get pid(): number {
    return this.child?.pid ?? this.lastPid;
  }

  get running(): boolean {
    return this.child !== undefined && this.exitInfo === undefined;
  }

  get logs(): string[] {
    return [this.options.logFile, ...(this.options.extraLogs ?? [])];
  }

  async start(): Promise<void> {
    if (this.running) throw new Error(`${this.options.what} is already running`);
    const { command, args, cwd, logFile, what } = this.options;
    this.logOffsets = this.logs.map(fileSize);
    const fd = openSync(logFile, 'a');
    let child: ChildProcess;
    try {
      // The log fd goes straight to the child, so output is kept even if this process dies.
      child = spawn(command, args, { cwd, stdio: ['ignore', fd, fd], detached: false });
    } finally {
      closeSync(fd);
    }
    this.child = child;
    this.exitInfo = undefined;
    this.exit = new Promise<ExitInfo>((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
      // 'error' without a pid means the spawn itself failed; there will be no 'exit'.
      child.once('error', (error) => {
        if (child.pid === undefined) resolve({ code: null, signal: null, error });
      });
    }).then((info) => {
      this.exitInfo = info;
      if (child.pid !== undefined) releasePid(child.pid);
      return info;
    });
    if (child.pid !== undefined) {
      this.lastPid = child.pid;
      guardPid(child.pid);
    }
    await this.waitReady(what, this.exit);
  }

  private async waitReady(what: string, exit: Promise<ExitInfo>): Promise<void> {
    const timeoutMs = this.options.readyTimeoutMs ?? 30_000;
    const deadline = Date.now() + timeoutMs;
    let lastError: unknown;
    for (;;) {
      if (this.exitInfo) throw this.startError(`${what} exited during startup`, this.exitInfo);
      // Raced against exit: a probe can hang on whatever else holds the port (up to its own
      // timeout) while the server has long given up.
      const outcome = await Promise.race([
        this.options.ready().then(
          (ok) => ({ ok, error: undefined as unknown }),
          (error: unknown) => ({ ok: false, error }),
        ),
        exit.then(() => ({ ok: false, error: undefined as unknown })),
      ]);
      if (outcome.ok && !this.exitInfo) return;
      if (outcome.error !== undefined) lastError = outcome.error;
      if (this.exitInfo) throw this.startError(`${what} exited during startup`, this.exitInfo);
      if (Date.now() >= deadline) {
        await this.kill('SIGKILL');
        const reason = lastError === undefined ? '' : ` (last error: ${describeError(lastError)})`;
        throw new ServerStartError(
          `${what} not ready after ${timeoutMs} ms${reason}\n${this.recentLogs()}`,
          false,
        );
      }
      await Promise.race([sleep(25), exit]);
    }
  }

  private startError(message: string, info: ExitInfo): ServerStartError {
    const how = info.error
      ? `spawn failed: ${describeError(info.error)}`
      : `code ${info.code}, signal ${info.signal}`;
    const tail = this.recentLogs();
    return new ServerStartError(`${message} (${how})\n${tail}`, ADDRESS_IN_USE.test(tail));
  }

  /** What the logs gained since the last start. */
  recentLogs(): string {
    return logTail(this.logs, 25, this.logOffsets);
  }

  /** Sends `signal` and resolves once the process has exited. */
  async kill(signal: NodeJS.Signals = 'SIGKILL', timeoutMs = 15_000): Promise<void> {
    if (!this.running || !this.child || !this.exit) return;
    this.child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const outcome = await Promise.race([this.exit, timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      throw new Error(
        `${this.options.what} (pid ${this.pid}) still alive ${timeoutMs} ms after ${signal}`,
      );
    }
  }

  /** SIGTERM for a clean shutdown, SIGKILL if it takes longer than `graceMs`. */
  async terminate(graceMs = 10_000): Promise<void> {
    try {
      await this.kill('SIGTERM', graceMs);
    } catch {
      await this.kill('SIGKILL');
    }
  }

  /** For the synchronous 'exit' handler. */
  killSync(): void {
    if (!this.running || this.child?.pid === undefined) return;
    try {
      process.kill(this.child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/**
 * Runs `attempt` again while it fails only because the port was taken: on first start another
 * process may have grabbed the "free" port; on restart the old socket may linger briefly.
 */
export async function retryOnAddressInUse<T>(
  attempt: (n: number) => Promise<T>,
  { attempts = 5, delayMs = 200 }: { attempts?: number; delayMs?: number } = {},
): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (err) {
      if (!(err instanceof ServerStartError && err.addressInUse) || n >= attempts) throw err;
      await sleep(delayMs);
    }
  }
}
