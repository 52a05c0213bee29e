/**
 * User and role management of the Keel TEST-ONLY MongoDB stand-in: createUser, dropUser,
 * grantRolesToUser, revokeRolesFromUser, usersInfo, createRole, dropRole,
 * grantPrivilegesToRole, revokePrivilegesFromRole, rolesInfo. Replies and errors follow the
 * MongoDB 7.0 manual's pages for each command
 * (https://www.mongodb.com/docs/manual/reference/command/nav-user-management/ and
 * .../nav-role-management/). Users are SCRAM-SHA-256 only; nothing is stored in admin.system.*.
 */
import type { Document } from 'bson';
import {
  builtinPrivileges,
  expandRoles,
  isBuiltinName,
  KNOWN_ACTIONS,
  privilegesOf,
  roleExists,
  type Privilege,
  type RoleRecord,
} from './auth';
import { roleRefsOf } from './auth-commands';
import type { CommandContext, Handler } from './context';
import { CommandError } from './errors';
import { makeUser, SCRAM_MECHANISM, type RoleRef, type UserRecord } from './scram';
import { validateDbName } from './store';
import { isPlainObject, valuesEqual } from './values';

function nameField(ctx: CommandContext): string {
  const name = ctx.body[ctx.name];
  if (typeof name !== 'string' || name.length === 0) {
    throw new CommandError('BadValue', `${ctx.name} must be a non-empty string`);
  }
  validateDbName(ctx.db);
  return name;
}

/** Parses and checks role grants: every role must exist (built-in on that db, or user-defined). */
function rolesField(ctx: CommandContext, required: boolean): RoleRef[] {
  const value = ctx.body.roles;
  if (value === undefined && !required) return [];
  if (!Array.isArray(value)) {
    throw new CommandError(
      'FailedToParse',
      `BSON field '${ctx.name}.roles' is missing but a required field`,
    );
  }
  const refs = roleRefsOf(value, ctx.db);
  for (const ref of refs) {
    if (!roleExists(ctx.server.security, ref)) {
      throw new CommandError('RoleNotFound', `Could not find role: ${ref.role}@${ref.db}`);
    }
  }
  return refs;
}

function findUser(ctx: CommandContext, user: string, db = ctx.db): UserRecord {
  const found = ctx.server.users.find((u) => u.user === user && u.db === db);
  if (!found)
    throw new CommandError('UserNotFound', `Could not find user "${user}" for db "${db}"`);
  return found;
}

const sameRole = (a: RoleRef, b: RoleRef): boolean => a.role === b.role && a.db === b.db;

function createUser(ctx: CommandContext): Document {
  const user = nameField(ctx);
  if (typeof ctx.body.pwd !== 'string' || ctx.body.pwd.length === 0) {
    throw new CommandError('BadValue', 'Must provide a non-empty password for SCRAM users');
  }
  const roles = rolesField(ctx, true);
  if (ctx.server.users.some((u) => u.user === user && u.db === ctx.db)) {
    throw new CommandError('Location51003', `User "${user}@${ctx.db}" already exists`);
  }
  const record = makeUser({ user, password: ctx.body.pwd, db: ctx.db, roles });
  if (isPlainObject(ctx.body.customData)) record.customData = ctx.body.customData;
  ctx.server.users.push(record);
  return { ok: 1 };
}

function dropUser(ctx: CommandContext): Document {
  const user = nameField(ctx);
  const record = ctx.server.users.find((u) => u.user === user && u.db === ctx.db);
  if (!record) throw new CommandError('UserNotFound', `User '${user}@${ctx.db}' not found`);
  ctx.server.users.splice(ctx.server.users.indexOf(record), 1);
  return { ok: 1 };
}

function grantRolesToUser(ctx: CommandContext): Document {
  const record = findUser(ctx, nameField(ctx));
  for (const ref of rolesField(ctx, true)) {
    if (!record.roles.some((r) => sameRole(r, ref))) record.roles.push(ref);
  }
  return { ok: 1 };
}

function revokeRolesFromUser(ctx: CommandContext): Document {
  const record = findUser(ctx, nameField(ctx));
  const revoked = rolesField(ctx, true);
  record.roles = record.roles.filter((r) => !revoked.some((x) => sameRole(r, x)));
  return { ok: 1 };
}

/** The `{ user, db }` pairs an info command asks for; undefined means "every one in the db". */
function targets(ctx: CommandContext, kind: 'user' | 'role'): Array<[string, string]> | undefined {
  const asked = ctx.body[ctx.name];
  if (asked === 1 || (isPlainObject(asked) && asked.forAllDBs === true)) return undefined;
  const list = Array.isArray(asked) ? asked : [asked];
  return list.map((a) => {
    if (typeof a === 'string') return [a, ctx.db];
    if (isPlainObject(a) && typeof a[kind] === 'string' && typeof a.db === 'string') {
      return [a[kind] as string, a.db];
    }
    throw new CommandError('BadValue', `${ctx.name} must be 1, a ${kind} name or { ${kind}, db }`);
  });
}

function describePrivileges(ctx: CommandContext, roles: RoleRef[]): Document {
  if (!ctx.body.showPrivileges) return {};
  return { inheritedPrivileges: privilegesOf(ctx.server.security, roles) };
}

function usersInfo(ctx: CommandContext): Document {
  validateDbName(ctx.db);
  const wanted = targets(ctx, 'user');
  const forAll = isPlainObject(ctx.body.usersInfo) && ctx.body.usersInfo.forAllDBs === true;
  const users = ctx.server.users.filter((u) =>
    wanted ? wanted.some(([n, d]) => n === u.user && d === u.db) : forAll || u.db === ctx.db,
  );
  return {
    users: users.map((u) => ({
      _id: `${u.db}.${u.user}`,
      userId: u.userId,
      user: u.user,
      db: u.db,
      ...(u.customData ? { customData: u.customData } : {}),
      roles: u.roles.map((r) => ({ ...r })),
      mechanisms: [SCRAM_MECHANISM],
      ...describePrivileges(ctx, u.roles),
    })),
    ok: 1,
  };
}

/** Validates a privileges array; a role outside admin may only target its own database. */
function privilegesField(ctx: CommandContext): Privilege[] {
  const value = ctx.body.privileges;
  if (!Array.isArray(value)) {
    throw new CommandError(
      'FailedToParse',
      `BSON field '${ctx.name}.privileges' is missing but a required field`,
    );
  }
  return value.map((p: unknown) => {
    const resource = isPlainObject(p) ? p.resource : undefined;
    const actions = isPlainObject(p) ? p.actions : undefined;
    if (!isPlainObject(resource) || !Array.isArray(actions) || actions.length === 0) {
      throw new CommandError('BadValue', 'A privilege needs a resource document and actions');
    }
    const unknown = (actions as unknown[]).filter((a) => !KNOWN_ACTIONS.has(String(a)));
    if (unknown.length > 0) {
      throw new CommandError(
        'FailedToParse',
        `Unrecognized action privilege strings: ${unknown.join(',')}`,
      );
    }
    const isCluster = resource.cluster === true;
    const isNamespace = typeof resource.db === 'string' && typeof resource.collection === 'string';
    if (!isCluster && !isNamespace) {
      throw new CommandError(
        'BadValue',
        'A resource needs { db, collection } or { cluster: true }',
      );
    }
    if (ctx.db !== 'admin' && (isCluster || resource.db !== ctx.db)) {
      throw new CommandError(
        'InvalidRoleModification',
        `Roles on the '${ctx.db}' database cannot be granted privileges that target other databases or the cluster`,
      );
    }
    return {
      resource: isCluster
        ? { cluster: true }
        : { db: resource.db, collection: resource.collection },
      actions: [...new Set(actions as string[])],
    } as Privilege;
  });
}

function userRole(ctx: CommandContext, name: string): RoleRecord {
  if (isBuiltinName(name) && builtinPrivileges({ role: name, db: ctx.db })) {
    throw new CommandError(
      'InvalidRoleModification',
      `Cannot grant privileges to built-in role: ${name}@${ctx.db}`,
    );
  }
  const role = ctx.server.security.roles.get(`${ctx.db}.${name}`);
  if (!role) throw new CommandError('RoleNotFound', `Role '${name}@${ctx.db}' not found`);
  return role;
}

function createRole(ctx: CommandContext): Document {
  const role = nameField(ctx);
  if (isBuiltinName(role)) {
    throw new CommandError('BadValue', 'Cannot create roles with the same name as a built-in role');
  }
  const privileges = privilegesField(ctx);
  const roles = rolesField(ctx, true);
  const key = `${ctx.db}.${role}`;
  if (ctx.server.security.roles.has(key)) {
    throw new CommandError('Location51002', `Role "${role}@${ctx.db}" already exists`);
  }
  ctx.server.security.roles.set(key, { role, db: ctx.db, privileges, roles });
  return { ok: 1 };
}

function dropRole(ctx: CommandContext): Document {
  const role = userRole(ctx, nameField(ctx));
  const self: RoleRef = { role: role.role, db: role.db };
  ctx.server.security.roles.delete(`${role.db}.${role.role}`);
  // mongod removes a dropped role from every user and role that had it.
  for (const u of ctx.server.users) u.roles = u.roles.filter((r) => !sameRole(r, self));
  for (const r of ctx.server.security.roles.values())
    r.roles = r.roles.filter((x) => !sameRole(x, self));
  return { ok: 1 };
}

function sameResource(a: Privilege['resource'], b: Privilege['resource']): boolean {
  return valuesEqual({ ...a }, { ...b });
}

function grantPrivilegesToRole(ctx: CommandContext): Document {
  const role = userRole(ctx, nameField(ctx));
  for (const p of privilegesField(ctx)) {
    const existing = role.privileges.find((x) => sameResource(x.resource, p.resource));
    if (existing) existing.actions = [...new Set([...existing.actions, ...p.actions])];
    else role.privileges.push(p);
  }
  return { ok: 1 };
}

function revokePrivilegesFromRole(ctx: CommandContext): Document {
  const role = userRole(ctx, nameField(ctx));
  for (const p of privilegesField(ctx)) {
    const existing = role.privileges.find((x) => sameResource(x.resource, p.resource));
    if (existing) existing.actions = existing.actions.filter((a) => !p.actions.includes(a));
  }
  role.privileges = role.privileges.filter((p) => p.actions.length > 0);
  return { ok: 1 };
}

function roleInfo(ctx: CommandContext, ref: RoleRef): Document | undefined {
  const builtin = builtinPrivileges(ref);
  const custom = ctx.server.security.roles.get(`${ref.db}.${ref.role}`);
  if (!builtin && !custom) return undefined;
  const direct = custom?.roles ?? [];
  const inherited = expandRoles(ctx.server.security, direct);
  return {
    _id: `${ref.db}.${ref.role}`,
    role: ref.role,
    db: ref.db,
    isBuiltin: Boolean(builtin),
    roles: direct.map((r) => ({ ...r })),
    inheritedRoles: inherited.map((r) => ({ ...r })),
    ...(ctx.body.showPrivileges
      ? {
          privileges: builtin ?? custom?.privileges ?? [],
          inheritedPrivileges: privilegesOf(ctx.server.security, [ref]),
        }
      : {}),
  };
}

function rolesInfo(ctx: CommandContext): Document {
  validateDbName(ctx.db);
  const wanted = targets(ctx, 'role');
  let refs: RoleRef[];
  if (wanted) {
    refs = wanted.map(([role, db]) => ({ role, db }));
  } else {
    refs = [...ctx.server.security.roles.values()].filter((r) => r.db === ctx.db);
    if (ctx.body.showBuiltinRoles) {
      const names = ['read', 'readWrite', 'dbAdmin', 'userAdmin', 'dbOwner'];
      if (ctx.db === 'admin') {
        names.push('clusterMonitor', 'readAnyDatabase', 'readWriteAnyDatabase', 'root');
        names.push('dbAdminAnyDatabase', 'userAdminAnyDatabase');
      }
      refs = [...names.map((role) => ({ role, db: ctx.db })), ...refs];
    }
  }
  // Unknown roles are left out of the answer, not reported as errors.
  const roles = refs.flatMap((ref) => roleInfo(ctx, { role: ref.role, db: ref.db }) ?? []);
  return { roles, ok: 1 };
}

export const userCommands: Record<string, Handler> = {
  createUser,
  dropUser,
  grantRolesToUser,
  revokeRolesFromUser,
  usersInfo,
  createRole,
  dropRole,
  grantPrivilegesToRole,
  revokePrivilegesFromRole,
  rolesInfo,
};
