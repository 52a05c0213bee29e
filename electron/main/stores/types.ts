import type { Connection, ConnectionSecret, StoreKind } from '../../../shared/models/environment';
import type { PoolStats } from '../../../shared/models/health';
import type { BreakerState } from './guard';

/** What a probe learns from a server, beyond reachability. */
export interface ProbeFacts {
  latencyMs: number;
  version?: string;
  serverRole?: 'primary' | 'replica' | 'standalone' | 'unknown';
  uptimeSec?: number;
  /** Seconds behind the primary; null when replication is configured but not running. */
  replicationLagSec?: number | null;
}

export type EndpointName = 'primary' | 'replica';

export interface CallOptions {
  signal?: AbortSignal;
  /** Overrides the connection's operation time-out for this call. */
  timeoutMs?: number;
}

/**
 * One pooled client of one connection, created lazily by the registry. Adapters map driver
 * errors to KeelErrors (stores/errors.ts), honour time-outs and AbortSignals, and go through the
 * connection's circuit breaker. They hold no business rules.
 */
export interface StoreClient {
  readonly kind: StoreKind;
  readonly connection: Connection;
  /** Reach the endpoint, measure the round trip and read what the server says about itself. */
  probe(endpoint: EndpointName, opts?: CallOptions): Promise<ProbeFacts>;
  stats(): PoolStats;
  readonly breakerState: BreakerState;
  /** Epoch ms of the last call; the registry closes clients idle for too long. */
  readonly lastUsed: number;
  close(): Promise<void>;
}

export interface StoreClientInit {
  connection: Connection;
  secret: ConnectionSecret | undefined;
}

export const addressOf = (c: { host: string; port: number }): string =>
  c.host.includes(':') ? `[${c.host}]:${c.port}` : `${c.host}:${c.port}`;
