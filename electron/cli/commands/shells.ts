import type { Command } from 'commander';
import { defaultUserDataDir } from '../../main/paths';
import { loadServerToken } from '../../server/token';
import { agent } from '../agent';
import { UsageError } from '../output';
import { json, out, run } from '../program';
import { serve } from '../serve';

/** agent, serve, token: the long-running shells and the server's sign-in URL. */
export function registerShells(program: Command): void {
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
        run.longRunning = true;
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
        run.longRunning = true;
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
}
