/**
 * Role-based access control of the Keel TEST-ONLY MongoDB stand-in, as MongoDB 6.0 / 7.0
 * document it:
 *   built-in roles  https://www.mongodb.com/docs/manual/reference/built-in-roles/
 *   resources       https://www.mongodb.com/docs/manual/reference/resource-document/
 *   actions         https://www.mongodb.com/docs/manual/reference/privilege-actions/
 * A user's privileges are the union of its roles' (user-defined roles inherit recursively); a
 * command needs every privilege listed for it in auth-commands.ts, else 13 Unauthorized.
 * Built-in roles carry the documented actions that matter to Keel's commands, not every action
 * mongod lists; `root` is modelled as every action on every resource.
 */
import type { Document } from 'bson';
import type { CommandContext } from './context';
import { CommandError } from './errors';
import type { RoleRef, UserRecord } from './scram';

export interface Resource {
  db?: string;
  collection?: string;
  cluster?: true;
  anyResource?: true;
}

export interface Privilege {
  resource: Resource;
  actions: string[];
}

export interface RoleRecord {
  role: string;
  db: string;
  privileges: Privilege[];
  roles: RoleRef[];
}

/** What the server knows about authorization: whether it is on, and user-defined roles. */
export interface SecurityState {
  /** On when the stand-in was started with users (mongod --auth); off otherwise. */
  enabled: boolean;
  /** User-defined roles by `${db}.${role}`. */
  roles: Map<string, RoleRecord>;
}

/** One privilege a command needs: an action on a database, collection or the cluster. */
export interface Need {
  action: string;
  resource: { db: string; collection: string } | { cluster: true };
}

const READ = [
  'changeStream',
  'collStats',
  'dbHash',
  'dbStats',
  'find',
  'killCursors',
  'listCollections',
  'listIndexes',
  'listSearchIndexes',
];
const READ_WRITE = [
  ...READ,
  'convertToCapped',
  'createCollection',
  'createIndex',
  'dropCollection',
  'dropIndex',
  'insert',
  'remove',
  'renameCollectionSameDB',
  'update',
];
const DB_ADMIN = [
  'bypassDocumentValidation',
  'collMod',
  'collStats',
  'compact',
  'convertToCapped',
  'createCollection',
  'createIndex',
  'dbStats',
  'dropCollection',
  'dropDatabase',
  'dropIndex',
  'enableProfiler',
  'listCollections',
  'listIndexes',
  'planCacheRead',
  'reIndex',
  'renameCollectionSameDB',
  'validate',
];
const USER_ADMIN = [
  'changeCustomData',
  'changePassword',
  'createRole',
  'createUser',
  'dropRole',
  'dropUser',
  'grantRole',
  'revokeRole',
  'setAuthenticationRestriction',
  'viewRole',
  'viewUser',
];
const CLUSTER_MONITOR = [
  'connPoolStats',
  'getCmdLineOpts',
  'getDefaultRWConcern',
  'getLog',
  'getParameter',
  'hostInfo',
  'inprog',
  'listDatabases',
  'listSessions',
  'netstat',
  'replSetGetConfig',
  'replSetGetStatus',
  'serverStatus',
  'top',
];
/** Every action name the stand-in accepts in createRole / grantPrivilegesToRole. */
export const KNOWN_ACTIONS = new Set([
  ...READ_WRITE,
  ...DB_ADMIN,
  ...USER_ADMIN,
  ...CLUSTER_MONITOR,
  'killAnySession',
  'indexStats',
  'anyAction',
]);

const onDb = (db: string, actions: string[]): Privilege => ({
  resource: { db, collection: '' },
  actions,
});
const onCluster = (actions: string[]): Privilege => ({ resource: { cluster: true }, actions });

/** Roles valid on any database. */
const DB_ROLES: Record<string, (db: string) => Privilege[]> = {
  read: (db) => [onDb(db, READ)],
  readWrite: (db) => [onDb(db, READ_WRITE)],
  dbAdmin: (db) => [onDb(db, DB_ADMIN)],
  userAdmin: (db) => [onDb(db, USER_ADMIN)],
  dbOwner: (db) => [onDb(db, [...new Set([...READ_WRITE, ...DB_ADMIN, ...USER_ADMIN])])],
};
/** Roles that exist only in the admin database. */
const ADMIN_ROLES: Record<string, Privilege[]> = {
  clusterMonitor: [onCluster(CLUSTER_MONITOR), onDb('', ['collStats', 'dbStats', 'indexStats'])],
  readAnyDatabase: [onDb('', READ), onCluster(['listDatabases'])],
  readWriteAnyDatabase: [onDb('', READ_WRITE), onCluster(['listDatabases'])],
  dbAdminAnyDatabase: [onDb('', DB_ADMIN), onCluster(['listDatabases'])],
  userAdminAnyDatabase: [onDb('', USER_ADMIN), onCluster(['listDatabases'])],
  root: [{ resource: { anyResource: true }, actions: ['anyAction'] }],
};

/** The privileges of a built-in role, or undefined when `role@db` is not one. */
export function builtinPrivileges(ref: RoleRef): Privilege[] | undefined {
  const dbRole = Object.hasOwn(DB_ROLES, ref.role) ? DB_ROLES[ref.role] : undefined;
  if (dbRole) return dbRole(ref.db);
  if (ref.db === 'admin' && Object.hasOwn(ADMIN_ROLES, ref.role)) return ADMIN_ROLES[ref.role];
  return undefined;
}

export function isBuiltinName(role: string): boolean {
  return Object.hasOwn(DB_ROLES, role) || Object.hasOwn(ADMIN_ROLES, role);
}

export function roleExists(security: SecurityState, ref: RoleRef): boolean {
  return builtinPrivileges(ref) !== undefined || security.roles.has(`${ref.db}.${ref.role}`);
}

/** Every role reached from `refs`, inherited ones included (each once). */
export function expandRoles(security: SecurityState, refs: RoleRef[]): RoleRef[] {
  const seen = new Map<string, RoleRef>();
  const visit = (ref: RoleRef): void => {
    const key = `${ref.db}.${ref.role}`;
    if (seen.has(key)) return;
    seen.set(key, ref);
    for (const inherited of security.roles.get(key)?.roles ?? []) visit(inherited);
  };
  refs.forEach(visit);
  return [...seen.values()];
}

export function privilegesOf(security: SecurityState, refs: RoleRef[]): Privilege[] {
  return expandRoles(security, refs).flatMap(
    (ref) =>
      builtinPrivileges(ref) ?? security.roles.get(`${ref.db}.${ref.role}`)?.privileges ?? [],
  );
}

/** Resource matching as the resource-document page describes it (system.* excluded from ''). */
function covers(r: Resource, need: Need['resource']): boolean {
  if (r.anyResource) return true;
  if ('cluster' in need) return Boolean(r.cluster);
  if (r.cluster || r.db === undefined || r.collection === undefined) return false;
  if (r.db !== '' && r.db !== need.db) return false;
  if (need.collection === '') return r.collection === '';
  if (r.collection === '') return !need.collection.startsWith('system.');
  return r.collection === need.collection;
}

export function allows(privileges: Privilege[], need: Need): boolean {
  return privileges.some(
    (p) =>
      covers(p.resource, need.resource) &&
      (p.actions.includes(need.action) || p.actions.includes('anyAction')),
  );
}

/** The privileges of everyone authenticated on the connection who still exists. */
export function sessionPrivileges(ctx: CommandContext): Privilege[] {
  const live = ctx.conn.authenticated.filter((u) => ctx.server.users.includes(u));
  return privilegesOf(
    ctx.server.security,
    live.flatMap((u: UserRecord) => u.roles),
  );
}

/** Whether the session holds any privilege at all on database `db` (authorizedDatabases). */
export function hasAnyPrivilegeOn(privileges: Privilege[], db: string): boolean {
  return privileges.some((p) => {
    const r = p.resource;
    return Boolean(r.anyResource) || (r.db !== undefined && (r.db === '' || r.db === db));
  });
}

/** mongod's rendering of the refused command in the message, close to its shell syntax. */
function render(v: unknown, depth = 0): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v))
    return depth > 2 ? '[...]' : `[ ${v.map((x) => render(x, depth + 1)).join(', ')} ]`;
  if (v && typeof v === 'object' && !('_bsontype' in v) && !(v instanceof Date)) {
    if (depth > 2) return '{...}';
    const parts = Object.entries(v as Document).map(([k, x]) => `${k}: ${render(x, depth + 1)}`);
    return `{ ${parts.join(', ')} }`;
  }
  return String(v);
}

/** Throws 13 Unauthorized ("not authorized on <db> to execute command { … }") if a need is unmet. */
export function authorize(ctx: CommandContext, needs: Need[]): void {
  if (!ctx.server.security.enabled || needs.length === 0) return;
  const privileges = sessionPrivileges(ctx);
  if (needs.every((need) => allows(privileges, need))) return;
  const { lsid: _lsid, $clusterTime: _ct, ...shown } = ctx.body;
  throw new CommandError(
    'Unauthorized',
    `not authorized on ${ctx.db} to execute command ${render(shown)}`,
  );
}
