import { userInfo } from 'node:os';
import { Command, InvalidArgumentError } from 'commander';
import { UsageError } from './output';
import { version } from './version';

/** The `keel` program every command group registers on. */
export const program = new Command('keel')
  .description('Keel: the ops console of a multi-tenant SaaS data platform (headless shell)')
  .version(version)
  .option('--json', 'print machine-readable JSON on stdout')
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

export const json = (): boolean => Boolean(program.opts().json);

/** Who the CLI acts as, in job records and the audit log. */
export const actor = { type: 'user' as const, name: `${userInfo().username}@cli` };

/** Set by `serve` and `agent`: the process keeps running after the command returns. */
export const run = { longRunning: false };

/** The value as JSON with --json, else the human rendering. */
export function out(value: unknown, human: () => string): void {
  process.stdout.write((json() ? JSON.stringify(value, null, 2) : human()) + '\n');
}

export const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    throw new InvalidArgumentError('not valid JSON');
  }
};

export function requireVar(name: string): string {
  const v = process.env[name];
  if (!v) throw new UsageError(`variable ${name} is not set`);
  return v;
}

export async function readStdin(): Promise<string> {
  let s = '';
  for await (const chunk of process.stdin) s += chunk;
  return s;
}
