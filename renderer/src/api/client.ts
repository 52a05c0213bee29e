import { KeelError } from '@shared/errors';
import type {
  MethodId,
  MethodInput,
  MethodOutput,
  TopicId,
  TopicPayload,
} from '@shared/contract/index';
import { pickTransport, type ConnectionStatus, type Transport } from './transport';

/**
 * The typed client derived from the contract. Feature hooks are its only callers.
 * A failed call rejects with a KeelError carrying the code, message and details from main.
 */
export class KeelClient {
  constructor(private readonly transport: Transport) {}

  get shell(): 'desktop' | 'server' {
    return this.transport.shell;
  }

  async call<Id extends MethodId>(id: Id, input: MethodInput<Id>): Promise<MethodOutput<Id>> {
    const r = await this.transport.invoke(id, input);
    if (r.ok) return r.value as MethodOutput<Id>;
    throw KeelError.fromShape(r.error);
  }

  on<T extends TopicId>(topic: T, listener: (payload: TopicPayload<T>) => void): () => void {
    return this.transport.subscribe(topic, listener as (p: unknown) => void);
  }

  onStatus(listener: (s: ConnectionStatus) => void): () => void {
    return this.transport.onStatus(listener);
  }
}

let instance: KeelClient | undefined;

/** The app's client; created on first use so tests can install their own transport first. */
export function api(): KeelClient {
  instance ??= new KeelClient(pickTransport());
  return instance;
}

export function setTransportForTests(t: Transport): void {
  instance = new KeelClient(t);
}
