import type { KeelError } from '../../../shared/errors';
import type { Connection, ConnectionSecret, Endpoint } from '../../../shared/models/environment';
import { mapStoreError, type ErrorContext } from './errors';
import { type Cancellation, CircuitBreaker, guarded } from './guard';
import { addressOf, type CallOptions, type EndpointName, type StoreClientInit } from './types';

export interface GuardedCall extends CallOptions {
  /** Health probes go through an open breaker (they are how recovery is seen). */
  probe?: boolean;
}

/**
 * What every store adapter shares: its connection and secret, the circuit breaker, call
 * statistics, and `call()` — time-out, cancellation, breaker and error mapping around one
 * driver operation. Adapters add only what their driver needs.
 */
export abstract class BaseStore {
  readonly connection: Connection;
  protected readonly secret: ConnectionSecret | undefined;
  protected readonly breaker = new CircuitBreaker();
  protected created = 0;
  protected errors = 0;
  lastUsed = Date.now();

  constructor(init: StoreClientInit) {
    this.connection = init.connection;
    this.secret = init.secret;
  }

  get breakerState() {
    return this.breaker.state;
  }

  /** The host:port an endpoint name stands for. */
  protected endpoint(name: EndpointName): Endpoint {
    const c = this.connection;
    if (name === 'replica') {
      if (!c.replica) throw new Error(`connection ${c.id} has no replica`);
      return c.replica;
    }
    return { host: c.host, port: c.port };
  }

  protected errorContext(endpoint: EndpointName = 'primary'): ErrorContext {
    return {
      kind: this.connection.kind,
      address: addressOf(this.endpoint(endpoint)),
      secrets: [this.secret?.password, this.secret?.token],
      tls: this.connection.tls.enabled,
    };
  }

  /** One driver operation under the guard. */
  protected async call<R>(
    endpoint: EndpointName,
    opts: GuardedCall,
    fn: (c: Cancellation) => Promise<R>,
  ): Promise<R> {
    this.lastUsed = Date.now();
    try {
      return await guarded(
        this.breaker,
        {
          timeoutMs: opts.timeoutMs ?? this.connection.timeouts.operationMs,
          label: () => addressOf(this.endpoint(endpoint)),
          ...(opts.signal && { signal: opts.signal }),
          ...(opts.probe && { probe: true }),
        },
        (e) => mapStoreError(e, this.errorContext(endpoint)),
        fn,
      );
    } catch (e) {
      this.errors++;
      throw this.failed(e as KeelError);
    }
  }

  /** A hook for adapters that must react to a failed call (reset a connection…). */
  protected failed(e: KeelError): KeelError {
    return e;
  }

  /** The time-out of a probe: long enough to connect, then a little. */
  protected probeTimeout(opts: CallOptions): number {
    return opts.timeoutMs ?? this.connection.timeouts.connectMs + 2000;
  }
}
