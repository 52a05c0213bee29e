/**
 * Shared state types of the Keel TEST-ONLY MongoDB stand-in: what the whole server knows, what each
 * connection knows, and the signature every command handler has.
 */
import type { Document, ObjectId } from 'bson';
import type { SecurityState } from './auth';
import type { CursorRegistry } from './cursors';
import type { SaslState, UserRecord } from './scram';
import type { Collection, Store } from './store';
import { CommandError } from './errors';

export interface ReplicaSetConfig {
  name: string;
  /** How far the (simulated) secondary's optimeDate trails the primary's. */
  lagSec: number;
}

export interface OpCounters {
  insert: number;
  query: number;
  update: number;
  delete: number;
  getmore: number;
  command: number;
}

/** The server releases the stand-in can answer as (Keel supports MongoDB 6.0 and 7.0+). */
export type StandInVersion = '6.0' | '7.0';

export interface ServerState {
  /** The MongoDB release whose documented behaviour the stand-in follows where releases differ. */
  version: StandInVersion;
  store: Store;
  cursors: CursorRegistry;
  users: UserRecord[];
  /** Authorization: on when started with users; user-defined roles. */
  security: SecurityState;
  replicaSet?: ReplicaSetConfig;
  /** `127.0.0.1:<port>`, the name clients use and that hello reports as `me`. */
  hostAndPort: string;
  startedAt: number;
  /** topologyVersion.processId; a fresh one per (re)start, like a new mongod process. */
  processId: ObjectId;
  opcounters: OpCounters;
  connections: { current: number; totalCreated: number };
  commandLog: string[];
}

export interface ConnState {
  id: number;
  sasl: SaslState;
  authenticated: UserRecord[];
}

export interface CommandContext {
  name: string;
  db: string;
  body: Document;
  conn: ConnState;
  server: ServerState;
}

export type Handler = (ctx: CommandContext) => Document;

/** mongod's guard for admin-only commands (listDatabases, replSetGetStatus, getParameter...). */
export function requireAdminDb(ctx: CommandContext): void {
  if (ctx.db !== 'admin') {
    throw new CommandError(
      'Unauthorized',
      `${ctx.name} may only be run against the admin database.`,
    );
  }
}

/** Sizes as WiredTiger would roughly report them: allocation in 4 KiB blocks. */
export function collectionSizes(coll: Collection | undefined, scale = 1): Document {
  const block = (n: number): number => Math.ceil(n / 4096) * 4096;
  const count = coll?.docs.length ?? 0;
  const size = coll?.dataSize() ?? 0;
  const storageSize = coll ? block(size) + 4096 : 0;
  const indexSizes: Document = {};
  for (const index of coll?.indexes ?? []) {
    indexSizes[index.name] = Math.floor((block(count * 32) + 4096) / scale);
  }
  const totalIndexSize = Object.values(indexSizes).reduce((a: number, b) => a + Number(b), 0);
  return {
    size: Math.floor(size / scale),
    count,
    ...(count > 0 ? { avgObjSize: Math.floor(size / count) } : {}),
    storageSize: Math.floor(storageSize / scale),
    freeStorageSize: 0,
    capped: Boolean(coll?.options.capped),
    nindexes: coll?.indexes.length ?? 0,
    totalIndexSize,
    totalSize: Math.floor(storageSize / scale) + totalIndexSize,
    indexSizes,
    scaleFactor: scale,
  };
}
