import { vi } from 'vitest';
import { setTransportForTests } from '../api/client';
import type { Transport } from '../api/transport';
import { KeelError } from '@shared/errors';

type Handler = (input: unknown) => unknown;

/**
 * The renderer's client over an in-test transport: each method answers from `handlers` (a
 * thrown KeelError becomes the router's `{ok:false, error}` envelope, as main sends it);
 * a method with no handler fails the test loudly. Topics are pushed with `emit`.
 */
export function installTransport(handlers: Record<string, Handler>) {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const invoke = vi.fn(async (method: string, input: unknown) => {
    const h = handlers[method];
    if (!h) throw new Error(`test transport: no handler for ${method}`);
    try {
      return { ok: true as const, value: await h(input) };
    } catch (e) {
      if (e instanceof KeelError)
        return {
          ok: false as const,
          error: { code: e.code, message: e.message, details: e.details },
        };
      throw e;
    }
  });
  const transport: Transport = {
    shell: 'server',
    invoke,
    subscribe: (topic, l) => {
      const set = listeners.get(topic) ?? new Set();
      set.add(l);
      listeners.set(topic, set);
      return () => set.delete(l);
    },
    onStatus: () => () => {},
  };
  setTransportForTests(transport);
  return {
    invoke,
    emit: (topic: string, payload: unknown) => listeners.get(topic)?.forEach((l) => l(payload)),
  };
}
