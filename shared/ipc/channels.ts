/**
 * Channel naming shared by the preload, the IPC router and the WebSocket transport.
 * Every method is its own channel `keel:<domain>.<method>`; events arrive on `keel:event:<topic>`.
 * The preload refuses anything that does not match these patterns.
 */
export const CHANNEL_PREFIX = 'keel:';
export const EVENT_PREFIX = 'keel:event:';

/** `domain.method` / `domain.topic`: lower camel case words, one dot. */
export const QUALIFIED_NAME = /^[a-z][a-zA-Z0-9]{0,40}\.[a-z][a-zA-Z0-9]{0,60}$/;

export const methodChannel = (id: string): string => `${CHANNEL_PREFIX}${id}`;
export const eventChannel = (topic: string): string => `${EVENT_PREFIX}${topic}`;

/** Messages on the server-mode WebSocket (`/ws`). */
export type WsClientMessage =
  | { type: 'invoke'; id: number; method: string; input: unknown }
  | { type: 'subscribe'; topic: string }
  | { type: 'unsubscribe'; topic: string };

export type WsServerMessage =
  | { type: 'result'; id: number; result: unknown }
  | { type: 'event'; topic: string; payload: unknown }
  | { type: 'hello'; version: string };

/** Header / subprotocol names of server mode. */
export const SESSION_COOKIE = 'keel_session';
export const WS_PATH = '/ws';
export const RPC_PATH = '/api/rpc/';
