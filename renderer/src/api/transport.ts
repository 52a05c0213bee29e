import { maxRequestBytes, tooLargeMessage } from '@shared/contract/limits';
import type { Result } from '@shared/errors';
import { WS_PATH, type WsClientMessage, type WsServerMessage } from '@shared/ipc/channels';

export type ConnectionStatus = 'connecting' | 'open' | 'closed';

/** How the renderer reaches main: Electron IPC through the preload, or WebSocket in server mode. */
export interface Transport {
  readonly shell: 'desktop' | 'server';
  invoke(method: string, input: unknown): Promise<Result<unknown>>;
  subscribe(topic: string, listener: (payload: unknown) => void): () => void;
  onStatus(listener: (s: ConnectionStatus) => void): () => void;
}

/** What the preload exposes as `window.keel`. */
export interface KeelBridge {
  shell: 'desktop';
  invoke(method: string, input: unknown): Promise<unknown>;
  subscribe(topic: string, listener: (payload: unknown) => void): () => void;
}

declare global {
  interface Window {
    keel?: KeelBridge;
  }
}

export function ipcTransport(bridge: KeelBridge): Transport {
  return {
    shell: 'desktop',
    invoke: (m, i) => bridge.invoke(m, i) as Promise<Result<unknown>>,
    subscribe: (t, l) => bridge.subscribe(t, l),
    onStatus: (l) => {
      l('open');
      return () => undefined;
    },
  };
}

/**
 * WebSocket transport for server mode. The session cookie set by `/?token=` authenticates the
 * upgrade. Reconnects with capped exponential back-off and jitter, re-subscribes its topics, and
 * fails calls that were in flight when the socket dropped (they may or may not have run).
 */
export function wsTransport(url = defaultWsUrl()): Transport {
  let ws: WebSocket | undefined;
  let status: ConnectionStatus = 'connecting';
  let nextId = 1;
  let attempt = 0;
  const pending = new Map<number, (r: Result<unknown>) => void>();
  const queue: WsClientMessage[] = [];
  const topics = new Map<string, Set<(p: unknown) => void>>();
  const statusListeners = new Set<(s: ConnectionStatus) => void>();

  const setStatus = (s: ConnectionStatus): void => {
    status = s;
    statusListeners.forEach((l) => l(s));
  };
  const send = (msg: WsClientMessage): void => {
    if (ws?.readyState === WebSocket.OPEN) ws.send(JSON.stringify(msg));
    else queue.push(msg);
  };

  const connect = (): void => {
    setStatus('connecting');
    const sock = new WebSocket(url);
    ws = sock;
    sock.onopen = () => {
      attempt = 0;
      setStatus('open');
      for (const t of topics.keys()) sock.send(JSON.stringify({ type: 'subscribe', topic: t }));
      for (const m of queue.splice(0)) sock.send(JSON.stringify(m));
    };
    sock.onmessage = (ev) => {
      const msg = JSON.parse(String(ev.data)) as WsServerMessage;
      if (msg.type === 'result') {
        pending.get(msg.id)?.(msg.result as Result<unknown>);
        pending.delete(msg.id);
      } else if (msg.type === 'event') {
        topics.get(msg.topic)?.forEach((l) => l(msg.payload));
      }
    };
    sock.onclose = (ev) => {
      if (ws !== sock) return;
      setStatus('closed');
      // 1009: the server refused a message as too big (its limit differs from this page's).
      const error =
        ev.code === 1009
          ? { code: 'VALIDATION' as const, message: tooLargeMessage() }
          : {
              code: 'UNAVAILABLE' as const,
              message: 'connection to Keel was lost during the call',
            };
      for (const [id, resolve] of pending) {
        resolve({ ok: false, error });
        pending.delete(id);
      }
      const delay = Math.min(10_000, 250 * 2 ** attempt++) * (0.5 + Math.random() / 2);
      setTimeout(connect, delay);
    };
  };
  connect();

  return {
    shell: 'server',
    invoke(method, input) {
      const id = nextId++;
      const msg: WsClientMessage = { type: 'invoke', id, method, input };
      const bytes = oversize(JSON.stringify(msg));
      // Refused here with the reason: sent, the server would close the socket (1009).
      if (bytes !== undefined)
        return Promise.resolve({
          ok: false,
          error: { code: 'VALIDATION', message: tooLargeMessage(bytes) },
        });
      return new Promise((resolve) => {
        pending.set(id, resolve);
        send(msg);
      });
    },
    subscribe(topic, listener) {
      let set = topics.get(topic);
      if (!set) {
        set = new Set();
        topics.set(topic, set);
        send({ type: 'subscribe', topic });
      }
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size === 0) {
          topics.delete(topic);
          send({ type: 'unsubscribe', topic });
        }
      };
    },
    onStatus(listener) {
      statusListeners.add(listener);
      listener(status);
      return () => void statusListeners.delete(listener);
    },
  };
}

/** The UTF-8 size of a message over the server's limit, else undefined (checked only when it may be). */
function oversize(text: string): number | undefined {
  if (text.length <= 64 * 1024) return undefined;
  const bytes = new TextEncoder().encode(text).length;
  return bytes > maxRequestBytes() ? bytes : undefined;
}

function defaultWsUrl(): string {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${proto}//${location.host}${WS_PATH}`;
}

export const pickTransport = (): Transport =>
  window.keel ? ipcTransport(window.keel) : wsTransport();
