/**
 * Diagnostic commands of the Keel TEST-ONLY MongoDB stand-in: serverStatus, hostInfo,
 * replSetGetStatus, listDatabases, dbStats. Numbers are the stand-in's own (real counters,
 * synthetic sizes); field names and nesting follow mongod 7.0.
 */
import os from 'node:os';
import { Long, Timestamp, type Document } from 'bson';
import { allows, hasAnyPrivilegeOn, sessionPrivileges } from './auth';
import { standInVersion } from './cmd-handshake';
import { collectionSizes, requireAdminDb, type CommandContext, type Handler } from './context';
import { CommandError } from './errors';
import { matches } from './query';
import { validateDbName } from './store';

/** mongod's default connection limit on Linux; `available` is this minus current. */
const MAX_CONNECTIONS = 838_860;
/** Databases every mongod has; listed (as small and non-empty) so the shape matches. */
const SYSTEM_DBS: Record<string, number> = { admin: 40_960, config: 12_288, local: 40_960 };

function serverStatus(ctx: CommandContext): Document {
  const { server } = ctx;
  const uptimeMs = Date.now() - server.startedAt;
  const mem = process.memoryUsage();
  const cacheBytes = server.store
    .databaseNames()
    .flatMap((db) => server.store.collections(db))
    .reduce((sum, c) => sum + c.dataSize(), 0);
  const counters = Object.fromEntries(
    Object.entries(server.opcounters).map(([k, v]) => [k, Long.fromNumber(v)]),
  );
  const rs = server.replicaSet;
  return {
    host: `${os.hostname()}:${server.hostAndPort.split(':')[1]}`,
    version: standInVersion(server.version),
    process: 'mongod',
    pid: Long.fromNumber(process.pid),
    uptime: Math.floor(uptimeMs / 1000),
    uptimeMillis: Long.fromNumber(uptimeMs),
    uptimeEstimate: Long.fromNumber(Math.floor(uptimeMs / 1000)),
    localTime: new Date(),
    connections: {
      current: server.connections.current,
      available: MAX_CONNECTIONS - server.connections.current,
      totalCreated: server.connections.totalCreated,
      active: 1,
      rejected: 0,
    },
    // The stand-in executes one command at a time, so nothing ever queues.
    globalLock: {
      totalTime: Long.fromNumber(uptimeMs * 1000),
      currentQueue: { total: 0, readers: 0, writers: 0 },
      activeClients: { total: 0, readers: 0, writers: 0 },
    },
    mem: {
      bits: 64,
      resident: Math.round(mem.rss / 1024 / 1024),
      virtual: Math.round((mem.rss + mem.external) / 1024 / 1024),
      supported: true,
    },
    opcounters: counters,
    ...(rs
      ? {
          repl: {
            setName: rs.name,
            isWritablePrimary: true,
            secondary: false,
            primary: server.hostAndPort,
            me: server.hostAndPort,
            hosts: [server.hostAndPort],
          },
        }
      : {}),
    storageEngine: { name: 'wiredTiger', supportsCommittedReads: true, persistent: false },
    wiredTiger: {
      cache: {
        'bytes currently in the cache': cacheBytes,
        'maximum bytes configured': Math.max(256 * 1024 * 1024, (os.totalmem() - 2 ** 30) / 2),
        'tracked dirty bytes in the cache': 0,
        'pages read into cache': 0,
        'pages written from cache': 0,
      },
    },
    ok: 1,
  };
}

function hostInfo(): Document {
  const cpus = os.cpus();
  return {
    system: {
      currentTime: new Date(),
      hostname: os.hostname(),
      cpuAddrSize: 64,
      memSizeMB: Long.fromNumber(Math.round(os.totalmem() / 1024 / 1024)),
      memLimitMB: Long.fromNumber(Math.round(os.totalmem() / 1024 / 1024)),
      numCores: cpus.length,
      numCoresAvailableToProcess: os.availableParallelism(),
      cpuArch: os.arch() === 'x64' ? 'x86_64' : os.arch(),
      numaEnabled: false,
    },
    os: { type: os.type(), name: os.type(), version: os.release() },
    extra: {
      versionString: os.version(),
      cpuString: cpus[0]?.model ?? '',
      pageSize: Long.fromNumber(4096),
    },
    ok: 1,
  };
}

function opTime(at: Date): Document {
  return { ts: new Timestamp({ t: Math.floor(at.getTime() / 1000), i: 1 }), t: Long.ONE };
}

/** A PRIMARY (this process) and a simulated SECONDARY trailing by `lagSec`. */
function replSetGetStatus(ctx: CommandContext): Document {
  requireAdminDb(ctx);
  const { server } = ctx;
  const rs = server.replicaSet;
  if (!rs) throw new CommandError('NoReplicationEnabled', 'not running with --replSet');
  const now = new Date();
  const lagged = new Date(now.getTime() - rs.lagSec * 1000);
  const uptime = Math.floor((Date.now() - server.startedAt) / 1000);
  const member = (id: number, name: string, state: 1 | 2, at: Date): Document => ({
    _id: id,
    name,
    health: 1,
    state,
    stateStr: state === 1 ? 'PRIMARY' : 'SECONDARY',
    uptime,
    optime: opTime(at),
    optimeDurable: opTime(at),
    optimeDate: at,
    optimeDurableDate: at,
    lastAppliedWallTime: at,
    lastDurableWallTime: at,
    syncSourceHost: state === 1 ? '' : server.hostAndPort,
    syncSourceId: state === 1 ? -1 : 0,
    infoMessage: '',
    configVersion: 1,
    configTerm: 1,
    ...(state === 1
      ? {
          electionTime: opTime(new Date(server.startedAt)).ts,
          electionDate: new Date(server.startedAt),
          self: true,
        }
      : {
          lastHeartbeat: now,
          lastHeartbeatRecv: now,
          pingMs: Long.ZERO,
          lastHeartbeatMessage: '',
        }),
  });
  return {
    set: rs.name,
    date: now,
    myState: 1,
    term: Long.ONE,
    syncSourceHost: '',
    syncSourceId: -1,
    heartbeatIntervalMillis: Long.fromNumber(2000),
    majorityVoteCount: 2,
    writeMajorityCount: 2,
    votingMembersCount: 2,
    writableVotingMembersCount: 2,
    optimes: {
      lastCommittedOpTime: opTime(lagged),
      lastCommittedWallTime: lagged,
      appliedOpTime: opTime(now),
      durableOpTime: opTime(now),
      lastAppliedWallTime: now,
      lastDurableWallTime: now,
    },
    members: [
      member(0, server.hostAndPort, 1, now),
      // `.invalid` (RFC 2606) makes it obvious this member is not a reachable server.
      member(1, 'standin-secondary.invalid:27017', 2, lagged),
    ],
    ok: 1,
  };
}

function databaseSize(ctx: CommandContext, db: string): number {
  const colls = ctx.server.store.collections(db);
  return colls.reduce((sum, c) => sum + Number(collectionSizes(c).totalSize), 0);
}

/**
 * Without the listDatabases action (or with authorizedDatabases: true) a user sees only the
 * databases it has privileges on (MongoDB 4.0.5+, listDatabases "authorizedDatabases").
 */
function visibleDatabases(ctx: CommandContext, names: string[]): string[] {
  if (!ctx.server.security.enabled) return names;
  const privileges = sessionPrivileges(ctx);
  const all = allows(privileges, { action: 'listDatabases', resource: { cluster: true } });
  if (all && ctx.body.authorizedDatabases !== true) return names;
  return names.filter((db) => hasAnyPrivilegeOn(privileges, db));
}

function listDatabases(ctx: CommandContext): Document {
  requireAdminDb(ctx);
  const names = visibleDatabases(ctx, [
    ...new Set([...Object.keys(SYSTEM_DBS), ...ctx.server.store.databaseNames()]),
  ]);
  const all = names.sort().map((name) => {
    const sizeOnDisk = (SYSTEM_DBS[name] ?? 0) + databaseSize(ctx, name);
    return { name, sizeOnDisk: Long.fromNumber(sizeOnDisk), empty: sizeOnDisk === 0 };
  });
  const filter = ctx.body.filter as Document | undefined;
  const selected = all.filter((d) => matches(d, filter));
  if (ctx.body.nameOnly) return { databases: selected.map(({ name }) => ({ name })), ok: 1 };
  const totalSize = selected.reduce((sum, d) => sum + d.sizeOnDisk.toNumber(), 0);
  return {
    databases: selected,
    totalSize: Long.fromNumber(totalSize),
    totalSizeMb: Long.fromNumber(Math.floor(totalSize / 1024 / 1024)),
    ok: 1,
  };
}

function dbStats(ctx: CommandContext): Document {
  validateDbName(ctx.db);
  const scale = Number(ctx.body.scale ?? 1) || 1;
  const colls = ctx.server.store.collections(ctx.db);
  const stats = colls.map((c) => collectionSizes(c, scale));
  const sum = (field: string): number => stats.reduce((s, x) => s + Number(x[field] ?? 0), 0);
  const objects = sum('count');
  const dataSize = sum('size');
  return {
    db: ctx.db,
    collections: Long.fromNumber(colls.length),
    views: Long.ZERO,
    objects: Long.fromNumber(objects),
    avgObjSize: objects > 0 ? (dataSize * scale) / objects : 0,
    dataSize,
    storageSize: sum('storageSize'),
    indexes: Long.fromNumber(sum('nindexes')),
    indexSize: sum('totalIndexSize'),
    totalSize: sum('totalSize'),
    scaleFactor: Long.fromNumber(scale),
    fsUsedSize: 0,
    fsTotalSize: 0,
    ok: 1,
  };
}

export const statusCommands: Record<string, Handler> = {
  serverStatus,
  hostInfo,
  replSetGetStatus,
  listDatabases,
  dbStats,
};
