import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { methodEntries } from '../../../shared/contract/index';
import { call, callRaw } from '../call';
import { EXIT, table } from '../output';
import { out, parseJson, readStdin, requireVar } from '../program';

/** methods, call, info, env, health. */
export function registerBasics(program: Command): void {
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
      const value = await callRaw(method, parseJson(text), o);
      out(value, () => JSON.stringify(value, null, 2));
    });

  program
    .command('info')
    .description('show version, user-data directory and secret storage')
    .action(async () => {
      const v = await call('system.info', {});
      out(v, () =>
        Object.entries(v)
          .map(([k, x]) => `${k}: ${typeof x === 'object' ? JSON.stringify(x) : String(x)}`)
          .join('\n'),
      );
    });

  const env = program.command('env').description('environments and connections');
  env.command('list').action(async () => {
    const list = await call('environments.list', {});
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
    .option(
      '--passphrase-env <var>',
      'include secrets, sealed with the passphrase in this variable',
    )
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .action(async (envId: string, o: { passphraseEnv?: string; output?: string }) => {
      const passphrase = o.passphraseEnv ? requireVar(o.passphraseEnv) : undefined;
      const r = await call('environments.exportYaml', { envId, ...(passphrase && { passphrase }) });
      if (o.output) await writeFile(o.output, r.yaml, { mode: 0o600 });
      else process.stdout.write(r.yaml);
    });
  env
    .command('import <file>')
    .option('--passphrase-env <var>', 'the passphrase that sealed the secrets, in this variable')
    .option('--replace', 'overwrite an existing environment of the same id')
    .option('--yes', 'confirm')
    .action(
      async (file: string, o: { passphraseEnv?: string; replace?: boolean; yes?: boolean }) => {
        const yaml = await readFile(file, 'utf8');
        const passphrase = o.passphraseEnv ? requireVar(o.passphraseEnv) : undefined;
        const v = await call(
          'environments.importYaml',
          { yaml, replace: Boolean(o.replace), ...(passphrase && { passphrase }) },
          o,
        );
        out(v, () => `imported ${v.id}`);
      },
    );

  program
    .command('health')
    .description('probe every store of an environment now')
    .requiredOption('-e, --env <envId>', 'environment id')
    .action(async (o: { env: string }) => {
      const rows = await call('health.probe', { envId: o.env });
      out(rows, () =>
        table(
          rows.map((r) => ({ ...r, lag: r.replicationLagSec, problem: r.error?.message })),
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
}
