/**
 * The privileges each command of the Keel TEST-ONLY MongoDB stand-in needs, from the "Required
 * Access" section of each command's page in the MongoDB 7.0 manual
 * (https://www.mongodb.com/docs/manual/reference/command/) and the privilege-actions page
 * (https://www.mongodb.com/docs/manual/reference/privilege-actions/). A command missing here
 * is refused: a new handler must say what it needs.
 */
import type { Document } from 'bson';
import type { Need } from './auth';
import type { CommandContext } from './context';
import type { RoleRef } from './scram';
import { isPlainObject } from './values';

type Rule = (ctx: CommandContext) => Need[];

const onColl = (ctx: CommandContext, action: string, field = ctx.name): Need => ({
  action,
  resource: { db: ctx.db, collection: String(ctx.body[field] ?? '') },
});
const onDb = (db: string, action: string): Need => ({ action, resource: { db, collection: '' } });
const onCluster = (action: string): Need => ({ action, resource: { cluster: true } });

const coll =
  (action: string): Rule =>
  (ctx) => [onColl(ctx, action)];
const db =
  (action: string): Rule =>
  (ctx) => [onDb(ctx.db, action)];
const cluster =
  (action: string): Rule =>
  () => [onCluster(action)];
const none: Rule = () => [];

/** Role grants in createUser / grantRolesToUser form: a bare name means a role on `db`. */
export function roleRefsOf(value: unknown, db: string): RoleRef[] {
  if (!Array.isArray(value)) return [];
  return value.map((r) =>
    typeof r === 'string'
      ? { role: r, db }
      : { role: String((r as Document).role), db: String((r as Document).db) },
  );
}

const bypass = (ctx: CommandContext): Need[] =>
  ctx.body.bypassDocumentValidation === true ? [onColl(ctx, 'bypassDocumentValidation')] : [];

function grants(action: 'grantRole' | 'revokeRole'): Rule {
  return (ctx) => roleRefsOf(ctx.body.roles, ctx.db).map((r) => onDb(r.db, action));
}

/** usersInfo / rolesInfo about the caller's own user or roles need no privilege. */
function aboutSelf(ctx: CommandContext, kind: 'user' | 'role'): boolean {
  const asked = ctx.body[ctx.name];
  const list = Array.isArray(asked) ? asked : [asked];
  const mine = ctx.conn.authenticated.flatMap((u) =>
    kind === 'user'
      ? [{ name: u.user, db: u.db }]
      : u.roles.map((r) => ({ name: r.role, db: r.db })),
  );
  return list.every((a) => {
    const name = typeof a === 'string' ? a : isPlainObject(a) ? a[kind] : undefined;
    const inDb = isPlainObject(a) && typeof a.db === 'string' ? a.db : ctx.db;
    return typeof name === 'string' && mine.some((m) => m.name === name && m.db === inDb);
  });
}

export const COMMAND_PRIVILEGES: Record<string, Rule> = {
  // Handshake and session commands any connection may run.
  hello: none,
  isMaster: none,
  ismaster: none,
  ping: none,
  buildInfo: none,
  buildinfo: none,
  saslStart: none,
  saslContinue: none,
  logout: none,
  connectionStatus: none,
  endSessions: none,
  killSessions: none,
  // A cursor belongs to the session that opened it, which was checked then.
  getMore: none,
  killCursors: none,
  killAllSessions: cluster('killAnySession'),
  getParameter: cluster('getParameter'),
  serverStatus: cluster('serverStatus'),
  hostInfo: cluster('hostInfo'),
  replSetGetStatus: cluster('replSetGetStatus'),
  // Without listDatabases only the databases the user has privileges on are listed
  // (authorizedDatabases); cmd-status.ts filters, and refuses authorizedDatabases: false.
  listDatabases: (ctx) =>
    ctx.body.authorizedDatabases === false ? [onCluster('listDatabases')] : [],
  dbStats: db('dbStats'),
  find: coll('find'),
  count: coll('find'),
  insert: (ctx) => [onColl(ctx, 'insert'), ...bypass(ctx)],
  update: (ctx) => {
    const upsert = Array.isArray(ctx.body.updates)
      ? (ctx.body.updates as Document[]).some((u) => u.upsert === true)
      : false;
    return [onColl(ctx, 'update'), ...(upsert ? [onColl(ctx, 'insert')] : []), ...bypass(ctx)];
  },
  delete: coll('remove'),
  aggregate: (ctx) => {
    if (ctx.body.aggregate === 1) return [];
    const pipeline = Array.isArray(ctx.body.pipeline) ? (ctx.body.pipeline as Document[]) : [];
    const first = isPlainObject(pipeline[0]) ? Object.keys(pipeline[0])[0] : undefined;
    return [onColl(ctx, first === '$collStats' ? 'collStats' : 'find')];
  },
  create: coll('createCollection'),
  drop: coll('dropCollection'),
  dropDatabase: db('dropDatabase'),
  listCollections: db('listCollections'),
  createIndexes: coll('createIndex'),
  listIndexes: coll('listIndexes'),
  dropIndexes: coll('dropIndex'),
  collStats: coll('collStats'),
  collMod: coll('collMod'),
  createUser: (ctx) => [onDb(ctx.db, 'createUser'), ...grants('grantRole')(ctx)],
  dropUser: db('dropUser'),
  grantRolesToUser: grants('grantRole'),
  revokeRolesFromUser: grants('revokeRole'),
  usersInfo: (ctx) => (aboutSelf(ctx, 'user') ? [] : [onDb(ctx.db, 'viewUser')]),
  createRole: (ctx) => [onDb(ctx.db, 'createRole'), ...grants('grantRole')(ctx)],
  dropRole: db('dropRole'),
  grantPrivilegesToRole: db('grantRole'),
  revokePrivilegesFromRole: db('revokeRole'),
  rolesInfo: (ctx) => (aboutSelf(ctx, 'role') ? [] : [onDb(ctx.db, 'viewRole')]),
};

/** The privileges `ctx` needs; a command with no rule needs `anyAction` (root only). */
export function requiredPrivileges(ctx: CommandContext): Need[] {
  const rule = Object.hasOwn(COMMAND_PRIVILEGES, ctx.name)
    ? COMMAND_PRIVILEGES[ctx.name]
    : undefined;
  return rule ? rule(ctx) : [{ action: 'anyAction', resource: { cluster: true } }];
}
