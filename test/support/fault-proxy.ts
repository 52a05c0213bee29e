import net from 'node:net';
import type { Socket } from 'node:net';
import { Pump } from './fault-proxy-pump';
import type { FaultState } from './fault-proxy-pump';
import { track, untrack } from './servers/registry';

export interface FaultProxyOptions {
  targetHost: string;
  targetPort: number;
}

/**
 * A TCP proxy on 127.0.0.1 that puts network faults between a client and a real server. Every
 * setting applies to existing connections as well as new ones.
 */
export interface FaultProxy {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly targetHost: string;
  readonly targetPort: number;
  /** Client connections currently open through the proxy. */
  readonly connections: number;
  /** Delays every chunk in both directions by `ms` (so a round trip gains 2 × ms); order kept. */
  setLatency(ms: number): void;
  /** Caps each direction of each connection at `bytesPerSec`; null lifts the cap. */
  setBandwidth(bytesPerSec: number | null): void;
  /**
   * On: connections are accepted and kept open but data in either direction is swallowed (and
   * stays lost after turning it off). Closes still pass through, so servers do not collect
   * orphaned connections.
   */
  blackhole(on: boolean): void;
  /** RSTs every open connection on both sides: clients see ECONNRESET. */
  resetConnections(): void;
  /**
   * On: new connections are reset right after accept (clients see ECONNRESET, not
   * ECONNREFUSED, because the kernel completes the handshake first). Open ones are untouched.
   */
  refuse(on: boolean): void;
  /** Back to plain pass-through: no latency, no cap, no blackhole, no refusing. */
  heal(): void;
  /** Stops listening and destroys all connections. Idempotent. */
  close(): Promise<void>;
}

interface Link {
  client: Socket;
  upstream: Socket;
  pumps: [Pump, Pump];
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const { targetHost, targetPort } = options;
  const state: FaultState = { latencyMs: 0, bytesPerSec: null, blackholed: false, refusing: false };
  const links = new Set<Link>();
  const rescheduleAll = (): void => {
    for (const link of links) for (const pump of link.pumps) pump.reschedule();
  };

  // allowHalfOpen: a FIN from one side must wait until data delayed towards the other side has
  // been delivered, so the proxy ends each direction itself (see Pump).
  const server = net.createServer({ allowHalfOpen: true }, (client) => {
    client.on('error', () => undefined);
    if (state.refusing) {
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect({ host: targetHost, port: targetPort, allowHalfOpen: true });
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    const link: Link = {
      client,
      upstream,
      pumps: [new Pump(client, upstream, state), new Pump(upstream, client, state)],
    };
    links.add(link);
    const onError = (other: Socket) => (err: NodeJS.ErrnoException) => {
      // Mirror a reset (or a refused/unreachable target) as a reset towards the other side,
      // which is what a client would see without the proxy in between.
      if (err.code === 'ECONNRESET' || err.code === 'ECONNREFUSED' || err.code === 'EPIPE') {
        resetQuietly(other);
      } else {
        other.destroy();
      }
    };
    client.on('error', onError(upstream));
    upstream.on('error', onError(client));
    const onClose = (): void => {
      if (!client.destroyed || !upstream.destroyed) return;
      for (const pump of link.pumps) pump.dispose();
      links.delete(link);
    };
    client.on('close', onClose);
    upstream.on('close', onClose);
  });
  server.on('error', () => undefined);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') {
    server.close();
    throw new Error(`fault proxy: unexpected listen address ${String(address)}`);
  }

  const resetAll = (): void => {
    for (const link of links) {
      resetQuietly(link.client);
      resetQuietly(link.upstream);
      for (const pump of link.pumps) pump.dispose();
    }
    links.clear();
  };

  let closing: Promise<void> | undefined;
  const proxy: FaultProxy = {
    host: '127.0.0.1',
    port: address.port,
    targetHost,
    targetPort,
    get connections() {
      return links.size;
    },
    setLatency(ms) {
      if (!(ms >= 0)) throw new Error(`latency must be >= 0 ms, got ${ms}`);
      state.latencyMs = ms;
      rescheduleAll();
    },
    setBandwidth(bytesPerSec) {
      if (bytesPerSec !== null && !(bytesPerSec > 0)) {
        throw new Error(`bandwidth must be > 0 bytes/s or null, got ${bytesPerSec}`);
      }
      state.bytesPerSec = bytesPerSec;
      rescheduleAll();
    },
    blackhole(on) {
      state.blackholed = on;
      rescheduleAll();
    },
    resetConnections: resetAll,
    refuse(on) {
      state.refusing = on;
    },
    heal() {
      Object.assign(state, { latencyMs: 0, bytesPerSec: null, blackholed: false, refusing: false });
      rescheduleAll();
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        untrack(tracked);
        server.close(() => resolve());
        resetAll();
      });
      return closing;
    },
  };
  const tracked = {
    stop: () => proxy.close(),
    abandon: () => {
      server.close();
      resetAll();
    },
  };
  track(tracked);
  return proxy;
}

function resetQuietly(socket: Socket): void {
  try {
    if (!socket.destroyed) socket.resetAndDestroy();
  } catch {
    // Not a TCP handle any more (already torn down): nothing left to reset.
    socket.destroy();
  }
}
