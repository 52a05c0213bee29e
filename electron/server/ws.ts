import type { IncomingMessage } from 'node:http';
import type { WebSocket, WebSocketServer } from 'ws';
import { QUALIFIED_NAME, type WsServerMessage } from '../../shared/ipc/channels';
import { getTopicSpec } from '../../shared/contract/index';
import type { HttpServerOptions } from './http-server';

/**
 * The contract over one WebSocket: `invoke` → `result`, `subscribe`/`unsubscribe` to topics.
 * Malformed messages close the socket (1008); calls in flight are aborted when it closes.
 */
export function attachWebSocket(wss: WebSocketServer, o: HttpServerOptions): () => void {
  const sockets = new Map<WebSocket, Set<string>>();

  const sub = o.bus.subscribeAll((topic, payload) => {
    const msg = JSON.stringify({ type: 'event', topic, payload } satisfies WsServerMessage);
    for (const [ws, topics] of sockets)
      if (topics.has(topic) && ws.readyState === ws.OPEN) ws.send(msg);
  });

  wss.on('connection', (ws: WebSocket, _req: IncomingMessage) => {
    const topics = new Set<string>();
    const ctl = new AbortController();
    sockets.set(ws, topics);
    ws.on('close', () => {
      sockets.delete(ws);
      ctl.abort();
    });
    ws.on('message', (data) => {
      let msg: { type?: unknown; id?: unknown; method?: unknown; input?: unknown; topic?: unknown };
      try {
        msg = JSON.parse(String(data)) as typeof msg;
      } catch {
        return ws.close(1008, 'not JSON');
      }
      if (msg.type === 'invoke' && typeof msg.id === 'number' && typeof msg.method === 'string') {
        const id = msg.id;
        void o.router
          .dispatch(msg.method, msg.input, { shell: 'server', actor: o.actor, signal: ctl.signal })
          .then((result) => {
            if (ws.readyState === ws.OPEN)
              ws.send(JSON.stringify({ type: 'result', id, result } satisfies WsServerMessage));
          });
        return;
      }
      if (
        (msg.type === 'subscribe' || msg.type === 'unsubscribe') &&
        typeof msg.topic === 'string'
      ) {
        if (!QUALIFIED_NAME.test(msg.topic) || !getTopicSpec(msg.topic))
          return ws.close(1008, 'unknown topic');
        if (msg.type === 'subscribe') topics.add(msg.topic);
        else topics.delete(msg.topic);
        return;
      }
      ws.close(1008, 'unknown message');
    });
  });

  return () => sub.dispose();
}
