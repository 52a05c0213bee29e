import { useSyncExternalStore } from 'react';
import { api } from '../../api/client';
import type { ConnectionStatus } from '../../api/transport';

export interface ConnectionState {
  shell: 'desktop' | 'server';
  status: ConnectionStatus;
  /** Whether the connection was ever open; before that a closed socket is "connecting", not "lost". */
  everOpen: boolean;
  /** Increments each time the connection opens again after a loss: data hooks reload on it. */
  epoch: number;
  /** Set when Keel announced it is shutting down (`system.shutdown`). */
  shutdownReason: string | undefined;
}

let state: ConnectionState | undefined;
const listeners = new Set<() => void>();

function init(): ConnectionState {
  const client = api();
  state = {
    shell: client.shell,
    status: 'connecting',
    everOpen: false,
    epoch: 0,
    shutdownReason: undefined,
  };
  const update = (patch: Partial<ConnectionState>): void => {
    state = { ...(state as ConnectionState), ...patch };
    listeners.forEach((l) => l());
  };
  client.onStatus((status) => {
    const prev = state as ConnectionState;
    if (status === 'open') {
      update({
        status,
        everOpen: true,
        epoch: prev.everOpen && prev.status !== 'open' ? prev.epoch + 1 : prev.epoch,
        shutdownReason: undefined,
      });
    } else {
      update({ status });
    }
  });
  client.on('system.shutdown', ({ reason }) => update({ shutdownReason: reason }));
  return state;
}

const subscribe = (l: () => void): (() => void) => {
  listeners.add(l);
  return () => void listeners.delete(l);
};
const snapshot = (): ConnectionState => state ?? init();

/** The connection to Keel (always open on the desktop; a WebSocket in server mode). */
export function useConnection(): ConnectionState {
  return useSyncExternalStore(subscribe, snapshot);
}

/** Shorthand for data hooks: a value that changes when they should reload after a reconnect. */
export function useReconnectEpoch(): number {
  return useConnection().epoch;
}
