import { getTopicSpec, type TopicId, type TopicPayload } from '../../../shared/contract/index';
import { KeelError } from '../../../shared/errors';
import type { Disposable } from './disposables';

type Listener = (payload: unknown) => void;
type AnyListener = (topic: TopicId, payload: unknown) => void;

/**
 * In-process publish/subscribe for contract topics. Payloads are validated against their schema
 * on publish, so a bad event is a bug caught where it is made, not in a renderer.
 * Transports (IPC, WebSocket) subscribe to everything and forward.
 */
export class EventBus {
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly anyListeners = new Set<AnyListener>();

  publish<T extends TopicId>(topic: T, payload: TopicPayload<T>): void {
    const spec = getTopicSpec(topic);
    if (!spec) throw new KeelError('INTERNAL', `unknown topic ${topic}`);
    const parsed = spec.payload.safeParse(payload);
    if (!parsed.success) {
      throw new KeelError('INTERNAL', `event ${topic} does not match its schema`, {
        issues: parsed.error.issues,
      });
    }
    for (const l of this.listeners.get(topic) ?? []) safeCall(() => l(parsed.data));
    for (const l of this.anyListeners) safeCall(() => l(topic, parsed.data));
  }

  subscribe<T extends TopicId>(topic: T, listener: (p: TopicPayload<T>) => void): Disposable {
    let set = this.listeners.get(topic);
    if (!set) this.listeners.set(topic, (set = new Set()));
    const l = listener as Listener;
    set.add(l);
    return { dispose: () => void set.delete(l) };
  }

  subscribeAll(listener: AnyListener): Disposable {
    this.anyListeners.add(listener);
    return { dispose: () => void this.anyListeners.delete(listener) };
  }
}

/** A subscriber's failure must not stop delivery to the others, nor the publisher. */
function safeCall(fn: () => void): void {
  try {
    fn();
  } catch (e) {
    queueMicrotask(() => {
      throw e;
    });
  }
}
