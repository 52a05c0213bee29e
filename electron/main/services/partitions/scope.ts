import type { Blueprint } from '../../../../shared/blueprint';
import type { Connection, Environment } from '../../../../shared/models/environment';
import type { PartitionPolicy } from '../../../../shared/partitions';
import { addressOf } from '../../stores/types';
import { instanceConnections, resolveTargets } from '../tenants/placement';
import { policyOf } from './calendar';
import { withOverride } from './overrides';

/**
 * Where an environment's partitioned tables live: which servers to read (each once), which
 * schemas on each, and which connection a schema belongs to. Pure: environment + blueprint in.
 *
 * A server is a connection's primary host:port; connections naming the same host:port are read
 * by one query (a host spelled two ways counts as two servers).
 */
export interface Scope {
  /** Partitioned tables by name (names are unique across the blueprint's databases). */
  policies: Map<string, PartitionPolicy>;
  servers: ServerScope[];
}

export interface ServerScope {
  server: string;
  /** The connection the server is read through (the catalog's when it is among them). */
  via: Connection;
  connectionIds: string[];
  /** Shared business databases on this server, with their connection. */
  shared: Map<string, string>;
  /** Dedicated-instance tenants on this server, with their connection. */
  instances: Map<string, string>;
  /** Connection of a dedicated tenant schema not on an instance of its own. */
  schemaConnection: string;
}

export interface TenantSchemaPattern {
  /** information_schema LIKE pattern (`tenant\_%`). */
  like: string;
  /** Tenant id from a schema name, or undefined. */
  tenantOf(schema: string): string | undefined;
}

export function tenantSchemaPattern(template: string): TenantSchemaPattern {
  const [before = '', after = ''] = template.split('{tenant}');
  const likeEscape = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);
  const reEscape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`^${reEscape(before)}([a-z][a-z0-9_]{1,31})${reEscape(after)}$`);
  return {
    like: `${likeEscape(before)}%${likeEscape(after)}`,
    tenantOf: (schema) => re.exec(schema)?.[1],
  };
}

export function scopeOf(env: Environment, blueprint: Blueprint): Scope {
  const targets = resolveTargets(env, blueprint);
  const policies = new Map<string, PartitionPolicy>();
  for (const db of blueprint.mysql.databases)
    for (const t of db.tables)
      if (t.partition)
        policies.set(t.name, withOverride(policyOf(t.partition), env.partitionOverrides?.[t.name]));

  const byServer = new Map<string, Connection[]>();
  const add = (c: Connection): void => {
    const key = addressOf(c).toLowerCase();
    const list = byServer.get(key) ?? [];
    if (!list.some((x) => x.id === c.id)) list.push(c);
    byServer.set(key, list);
  };
  add(targets.catalog);
  for (const c of targets.business.values()) add(c);
  const instances = instanceConnections(env);
  for (const i of instances) add(i.connection);

  const servers = [...byServer.entries()].map(([server, conns]): ServerScope => {
    const ids = new Set(conns.map((c) => c.id));
    const via = conns.find((c) => c.id === targets.catalog.id) ?? conns[0]!;
    return {
      server,
      via,
      connectionIds: [...ids],
      shared: new Map(
        [...targets.business.entries()]
          .filter(([, c]) => ids.has(c.id))
          .map(([db, c]) => [db, c.id]),
      ),
      instances: new Map(
        instances.filter((i) => ids.has(i.connection.id)).map((i) => [i.tenantId, i.connection.id]),
      ),
      schemaConnection: ids.has(targets.catalog.id) ? targets.catalog.id : via.id,
    };
  });
  return { policies, servers };
}
