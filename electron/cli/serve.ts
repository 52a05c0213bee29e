import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { fileURLToPath } from 'node:url';
import { startHttpServer } from '../server/http-server';
import { loadServerToken } from '../server/token';
import { createCliCore } from './context';
import { UsageError } from './output';

export interface ServeOptions {
  host: string;
  port: number;
  allowRemote: boolean;
  probes: boolean;
  json: boolean;
  static?: string;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** `keel serve`: the services, the contract over HTTP + WebSocket, and the built UI. */
export async function serve(o: ServeOptions): Promise<void> {
  if (!LOOPBACK.has(o.host) && !o.allowRemote) {
    throw new UsageError(
      `refusing to listen on ${o.host}: only loopback is allowed without --allow-remote (anyone who can reach it and has the token controls your stores)`,
    );
  }
  if (!LOOPBACK.has(o.host)) {
    process.stderr.write(
      `WARNING: listening on ${o.host}, reachable from other machines. Traffic is plain HTTP: put it behind TLS.\n`,
    );
  }
  const core = await createCliCore({ shell: 'server', probes: o.probes, work: true });
  const token = await loadServerToken(core.userDataDir);
  const staticDir = o.static ?? fileURLToPath(new URL('../renderer/', import.meta.url));
  const server = await startHttpServer({
    router: core.router,
    bus: core.bus,
    logger: core.logger,
    token: token.token,
    host: o.host,
    port: o.port,
    ...(existsSync(staticDir) && { staticDir }),
    actor: { type: 'user', name: `${userInfo().username}@server` },
  });
  const printable = token.created ? `${server.url}/?token=${token.token}` : server.url;
  if (o.json) {
    process.stdout.write(
      JSON.stringify({
        url: server.url,
        port: server.port,
        ...(token.created && { token: token.token }),
      }) + '\n',
    );
  } else {
    process.stdout.write(`Keel is serving on ${printable}\n`);
    process.stdout.write(
      token.created
        ? `The token was generated now and is stored in ${token.path} (mode 0600); this is the only time it is printed.\n`
        : `Token: ${token.path} (run \`keel token\` to print the sign-in URL).\n`,
    );
  }
  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`\n${signal}: stopping Keel…\n`);
    core.bus.publish('system.shutdown', { reason: signal });
    await server.close();
    await core.dispose();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}
