/**
 * Keel's TEST-ONLY MongoDB stand-in. NOT MongoDB, never shipped.
 *
 * CI machines cannot run mongod, so Keel's Mongo suites run against a real server when
 * KEEL_TEST_MONGO_URL is set and otherwise against this in-process fake, which speaks the wire
 * protocol for exactly the commands Keel sends and answers in mongod 7.0's documented shapes.
 * Anything verified only against the stand-in must be labelled as such (see README.md here).
 */
import type { ReplicaSetConfig, StandInVersion } from './context';
import { makeUser, type UserOption } from './scram';
import { StandInServer } from './server';

export type { UserOption as MongoStandInUser } from './scram';
export type { StandInVersion } from './context';

export interface MongoStandInOptions {
  /**
   * Enables authentication and authorization (mongod --auth): every command except the
   * handshake ones then needs SCRAM-SHA-256 and the privileges of the user's roles (root when a
   * user is given no roles).
   */
  users?: UserOption[];
  /** Presents a single-node replica set (this process as PRIMARY) plus a simulated SECONDARY. */
  replicaSet?: { name: string; lagSec?: number };
  /**
   * The release whose documented behaviour to follow where releases differ (`create` on an
   * existing collection, buildInfo, maxWireVersion). Default '7.0'.
   */
  version?: StandInVersion;
}

export interface MongoStandIn {
  host: string;
  port: number;
  /** `mongodb://127.0.0.1:P/?directConnection=true`, or `?replicaSet=<name>` in replica-set mode. */
  url: string;
  kind: 'standin';
  /** Changes how far the simulated secondary trails the primary in replSetGetStatus. */
  setLagSec(lagSec: number): void;
  stop(): Promise<void>;
  /** Destroys every socket and stops listening at once, as if mongod were SIGKILLed. */
  kill(): void;
  /** Listens again on the same port as a "new process"; stored data is kept, cursors are not. */
  restart(): Promise<void>;
  /** Names of the commands received, in order (live array; tests may truncate it). */
  commandLog: string[];
}

export async function startMongoStandIn(opts: MongoStandInOptions = {}): Promise<MongoStandIn> {
  const replicaSet: ReplicaSetConfig | undefined = opts.replicaSet
    ? { name: opts.replicaSet.name, lagSec: opts.replicaSet.lagSec ?? 0 }
    : undefined;
  const server = new StandInServer((opts.users ?? []).map(makeUser), replicaSet, opts.version);
  const port = await server.listen(0);
  const query = replicaSet
    ? `replicaSet=${encodeURIComponent(replicaSet.name)}`
    : 'directConnection=true';
  return {
    host: '127.0.0.1',
    port,
    url: `mongodb://127.0.0.1:${port}/?${query}`,
    kind: 'standin',
    setLagSec(lagSec: number) {
      if (!server.state.replicaSet) throw new Error('setLagSec: stand-in has no replicaSet');
      server.state.replicaSet.lagSec = lagSec;
    },
    stop: () => server.stop(),
    kill: () => server.kill(),
    restart: () => server.restart(),
    commandLog: server.state.commandLog,
  };
}

export interface MongoTarget {
  url: string;
  kind: 'real' | 'standin';
  stop(): Promise<void>;
}

/**
 * A real MongoDB when KEEL_TEST_MONGO_URL is set (left running), otherwise a fresh stand-in
 * answering as `version` (default 7.0).
 */
export async function getMongoTarget(version?: StandInVersion): Promise<MongoTarget> {
  const real = process.env.KEEL_TEST_MONGO_URL;
  if (real) return { url: real, kind: 'real', stop: async () => undefined };
  const standIn = await startMongoStandIn(version ? { version } : {});
  return { url: standIn.url, kind: 'standin', stop: () => standIn.stop() };
}

/** Inserts credentials (and authSource) into a mongodb:// URL. */
export function withCredentials(
  url: string,
  user: string,
  password: string,
  authSource = 'admin',
): string {
  const parsed = new URL(url);
  parsed.username = encodeURIComponent(user);
  parsed.password = encodeURIComponent(password);
  parsed.searchParams.set('authSource', authSource);
  return parsed.toString();
}
