import type { IncomingMessage } from 'node:http';
import type { WebSocket, WebSocketServer } from 'ws';
import { QUALIFIED_NAME, type WsServerMessage } from '../../shared/ipc/channels';
import { getTopicSpec } from '../../shared/contract/index';
import type { HttpServerOptions } from './http-server';
import type { Sessions } from './sessions';

/**
 * The contract over one WebSocket: `invoke` → `result`, `subscribe`/`unsubscribe` to topics.
 * Malformed messages close the socket (1008), a message over the size limit closes it with 1009
 * (Message Too Big) — never the server; calls in flight are aborted when it closes. A socket
 * opened with a browser session keeps that session alive while it is used, and closes once the
 * session has expired.
 */
export function attachWebSocket(
  wss: WebSocketServer,
  o: HttpServerOptions & { sessions: Sessions },
): () => void {
  const sockets = new Map<WebSocket, Set<string>>();

  const sub = o.bus.subscribeAll((topic, payload) => {
    const msg = JSON.stringify({ type: 'event', topic, payload } satisfies WsServerMessage);
    for (const [ws, topics] of sockets)
      if (topics.has(topic) && ws.readyState === ws.OPEN) ws.send(msg);
  });

  // Without these listeners `ws` rethrows a socket's error (an oversized frame) and the process exits.
  wss.on('error', (err) => o.logger.warn({ err }, 'WebSocket server error'));
  wss.on('connection', (ws: WebSocket, _req: IncomingMessage, session?: string) => {
    const topics = new Set<string>();
    const ctl = new AbortController();
    sockets.set(ws, topics);
    ws.on('error', (err: Error & { code?: string }) =>
      o.logger.warn({ code: err.code, reason: err.message }, 'WebSocket closed on a bad message'),
    );
    ws.on('close', () => {
      sockets.delete(ws);
      ctl.abort();
    });
    ws.on('message', (data) => {
      if (session !== undefined && !o.sessions.use(session))
        return ws.close(1008, 'session expired');
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
