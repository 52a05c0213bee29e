/**
 * Handshake, authentication and session commands of the Keel TEST-ONLY MongoDB stand-in:
 * hello / isMaster, saslStart / saslContinue, ping, buildInfo, connectionStatus, endSessions.
 * Shapes follow mongod 7.0 (https://www.mongodb.com/docs/manual/reference/command/hello/).
 */
import { Long, ObjectId, Timestamp, type Document } from 'bson';
import { expandRoles } from './auth';
import { requireAdminDb, type CommandContext, type Handler, type StandInVersion } from './context';
import { CommandError } from './errors';
import { saslContinue, saslStart, SCRAM_MECHANISM } from './scram';

export const standInVersion = (v: StandInVersion): string => `${v}.0-keel-standin`;
const VERSION_ARRAYS: Record<StandInVersion, number[]> = {
  '6.0': [6, 0, 0, 0],
  '7.0': [7, 0, 0, 0],
};
/** maxWireVersion: 17 for MongoDB 6.0, 21 for 7.0 (the drivers' wire-version table). */
const WIRE_VERSIONS: Record<StandInVersion, number> = { '6.0': 17, '7.0': 21 };
export const MAX_BSON_OBJECT_SIZE = 16 * 1024 * 1024;
export const MAX_MESSAGE_SIZE_BYTES = 48_000_000;

/** The fixed electionId a single-node replica set's primary reports for term 1. */
const ELECTION_ID = new ObjectId('7fffffff0000000000000001');

function topologyVersion(ctx: CommandContext): Document {
  // The counter only changes on topology changes, which a single-node stand-in never has.
  return { processId: ctx.server.processId, counter: Long.ZERO };
}

function replicaSetFields(ctx: CommandContext): Document {
  const rs = ctx.server.replicaSet;
  if (!rs) return {};
  const me = ctx.server.hostAndPort;
  const now = new Date();
  const opTime = { ts: new Timestamp({ t: Math.floor(now.getTime() / 1000), i: 1 }), t: Long.ONE };
  // Only this node is listed in `hosts`: the secondary in replSetGetStatus is simulated and has
  // no address a driver could connect to.
  return {
    hosts: [me],
    setName: rs.name,
    setVersion: 1,
    secondary: false,
    primary: me,
    me,
    electionId: ELECTION_ID,
    lastWrite: { opTime, lastWriteDate: now, majorityOpTime: opTime, majorityWriteDate: now },
  };
}

function saslSupportedMechs(ctx: CommandContext): Document {
  const requested = ctx.body.saslSupportedMechs;
  if (typeof requested !== 'string') return {};
  const dot = requested.indexOf('.');
  const db = requested.slice(0, dot);
  const user = requested.slice(dot + 1);
  // mongod omits the field when the user does not exist.
  const known = ctx.server.users.some((u) => u.user === user && u.db === db);
  return known ? { saslSupportedMechs: [SCRAM_MECHANISM] } : {};
}

function speculativeAuthenticate(ctx: CommandContext): Document {
  const spec = ctx.body.speculativeAuthenticate as Document | undefined;
  if (!spec || spec.saslStart === undefined) return {};
  try {
    const db = typeof spec.db === 'string' ? spec.db : 'admin';
    const { ok: _ok, ...reply } = saslStart(db, spec, ctx.server.users, ctx.conn.sasl);
    return { speculativeAuthenticate: reply };
  } catch {
    // A failed speculative attempt is silently dropped; the driver then runs saslStart itself.
    return {};
  }
}

/** hello (`isWritablePrimary`) and the legacy isMaster / ismaster (`ismaster`). */
export function helloReply(ctx: CommandContext): Document {
  const legacy = ctx.name !== 'hello';
  return {
    ...(ctx.body.helloOk === true ? { helloOk: true } : {}),
    ...(legacy ? { ismaster: true } : { isWritablePrimary: true }),
    topologyVersion: topologyVersion(ctx),
    ...replicaSetFields(ctx),
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    maxMessageSizeBytes: MAX_MESSAGE_SIZE_BYTES,
    maxWriteBatchSize: 100_000,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: 30,
    connectionId: ctx.conn.id,
    minWireVersion: 0,
    maxWireVersion: WIRE_VERSIONS[ctx.server.version],
    readOnly: false,
    ...saslSupportedMechs(ctx),
    ...speculativeAuthenticate(ctx),
    ok: 1,
  };
}

function buildInfo(ctx: CommandContext): Document {
  return {
    version: standInVersion(ctx.server.version),
    gitVersion: 'keel-standin',
    modules: [],
    allocator: 'system',
    javascriptEngine: 'none',
    sysInfo: 'deprecated',
    versionArray: VERSION_ARRAYS[ctx.server.version],
    bits: 64,
    debug: false,
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    storageEngines: ['wiredTiger'],
    ok: 1,
  };
}

export const handshakeCommands: Record<string, Handler> = {
  hello: helloReply,
  isMaster: helloReply,
  ismaster: helloReply,
  ping: () => ({ ok: 1 }),
  buildInfo,
  buildinfo: buildInfo,
  saslStart: (ctx) => saslStart(ctx.db, ctx.body, ctx.server.users, ctx.conn.sasl),
  saslContinue: (ctx) => {
    const { reply, user } = saslContinue(ctx.body, ctx.conn.sasl);
    if (user && !ctx.conn.authenticated.includes(user)) ctx.conn.authenticated.push(user);
    return reply;
  },
  logout: (ctx) => {
    ctx.conn.authenticated = [];
    return { ok: 1 };
  },
  connectionStatus: (ctx) => ({
    authInfo: {
      authenticatedUsers: ctx.conn.authenticated.map((u) => ({ user: u.user, db: u.db })),
      authenticatedUserRoles: expandRoles(
        ctx.server.security,
        ctx.conn.authenticated.flatMap((u) => u.roles),
      ).map((r) => ({ role: r.role, db: r.db })),
    },
    ok: 1,
  }),
  endSessions: () => ({ ok: 1 }),
  killSessions: () => ({ ok: 1 }),
  killAllSessions: () => ({ ok: 1 }),
  getParameter: (ctx) => getParameter(ctx),
};

/** A few server parameters Keel may read; mongod answers only those asked for. */
function getParameter(ctx: CommandContext): Document {
  requireAdminDb(ctx);
  const known: Document = {
    featureCompatibilityVersion: { version: ctx.server.version },
    authenticationMechanisms: [SCRAM_MECHANISM],
    logLevel: 0,
    quiet: false,
    transactionLifetimeLimitSeconds: 60,
    maxTransactionLockRequestTimeoutMillis: 5,
  };
  if (ctx.body.getParameter === '*') return { ...known, ok: 1 };
  const ignored = new Set(['getParameter', 'lsid', 'comment', 'apiVersion', 'apiStrict']);
  const wanted = Object.keys(ctx.body).filter((k) => !ignored.has(k) && !k.startsWith('$'));
  const found = wanted.filter((k) => k in known);
  if (found.length === 0) throw new CommandError('InvalidOptions', 'no option found to get');
  return { ...Object.fromEntries(found.map((k) => [k, known[k]])), ok: 1 };
}
