import { KeelError } from '../../../../shared/errors';
import {
  blueprintNameSchema,
  connectionSchema,
  DEFAULT_ROLES,
  environmentSchema,
  type ConnectionSecret,
  type Environment,
} from '../../../../shared/models/environment';
import { parseConnectionUri } from '../../../../shared/models/uri';

const SUFFIXES = [
  'URI',
  'ROLE',
  'NAME',
  'PASSWORD',
  'TOKEN',
  'ORG',
  'REPLICA',
  'TLS_CA_FILE',
] as const;
type Suffix = (typeof SUFFIXES)[number];

export interface EnvVarEnvironment {
  environment: Environment;
  secrets: Map<string, ConnectionSecret>;
}

/**
 * An environment described by variables, for server mode, the agent and the CLI:
 *
 *   KEEL_ENV_ID=prod  KEEL_ENV_NAME=Production  KEEL_ENV_PRODUCTION=1
 *   KEEL_CONN_CORE_URI=mysql://keel@db1:3306/saas_unified_core   KEEL_CONN_CORE_PASSWORD=…
 *   KEEL_CONN_CACHE_URI=redis://cache1:6379/0                    KEEL_CONN_CACHE_ROLE=cache
 *
 * `<ID>` becomes the connection id (lower case). Secrets stay in memory, never on disk.
 * Returns undefined when no KEEL_CONN_* variable is set.
 */
export function environmentFromVars(vars: NodeJS.ProcessEnv): EnvVarEnvironment | undefined {
  const conns = new Map<string, Partial<Record<Suffix, string>>>();
  for (const [name, value] of Object.entries(vars)) {
    if (!name.startsWith('KEEL_CONN_') || value === undefined) continue;
    const rest = name.slice('KEEL_CONN_'.length);
    const suffix = SUFFIXES.find((s) => rest.endsWith(`_${s}`));
    if (!suffix) {
      throw new KeelError('VALIDATION', `${name}: expected KEEL_CONN_<ID>_{${SUFFIXES.join('|')}}`);
    }
    const id = rest.slice(0, -suffix.length - 1).toLowerCase();
    const entry = conns.get(id) ?? {};
    entry[suffix] = value;
    conns.set(id, entry);
  }
  if (conns.size === 0) return undefined;

  const secrets = new Map<string, ConnectionSecret>();
  const connections = [...conns].map(([id, v]) => {
    if (!v.URI) throw new KeelError('VALIDATION', `KEEL_CONN_${id.toUpperCase()}_URI is missing`);
    let parsed;
    try {
      parsed = parseConnectionUri(v.URI);
    } catch (e) {
      throw new KeelError(
        'VALIDATION',
        `KEEL_CONN_${id.toUpperCase()}_URI: ${(e as Error).message}`,
      );
    }
    const replica = v.REPLICA?.match(/^(.+):(\d+)$/);
    const candidate = {
      ...parsed.connection,
      id,
      name: v.NAME ?? parsed.connection.name ?? id,
      role: v.ROLE ?? DEFAULT_ROLES[parsed.connection.kind],
      ...(v.ORG && { org: v.ORG }),
      ...(replica && { replica: { host: replica[1], port: Number(replica[2]) } }),
    };
    const r = connectionSchema.safeParse(candidate);
    if (!r.success) {
      const why = r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      throw new KeelError('VALIDATION', `KEEL_CONN_${id.toUpperCase()}_*: ${why}`);
    }
    const password = v.PASSWORD ?? parsed.password;
    if (password || v.TOKEN) {
      secrets.set(id, { ...(password && { password }), ...(v.TOKEN && { token: v.TOKEN }) });
    }
    return r.data;
  });

  // Names only here too, although an operator's variable is trusted: one rule for every source,
  // so the loader never has to know where a name came from. The file goes in <KEEL_HOME>/blueprints.
  const blueprint = blueprintNameSchema.safeParse(vars.KEEL_ENV_BLUEPRINT ?? 'default');
  if (!blueprint.success) {
    throw new KeelError(
      'VALIDATION',
      `KEEL_ENV_BLUEPRINT: ${blueprint.error.issues.map((i) => i.message).join('; ')}`,
    );
  }
  const env = environmentSchema.safeParse({
    id: vars.KEEL_ENV_ID ?? 'env',
    name: vars.KEEL_ENV_NAME ?? vars.KEEL_ENV_ID ?? 'Environment',
    production: ['1', 'true', 'yes'].includes((vars.KEEL_ENV_PRODUCTION ?? '').toLowerCase()),
    blueprint: blueprint.data,
    connections,
  });
  if (!env.success) {
    throw new KeelError(
      'VALIDATION',
      `KEEL_ENV_*: ${env.error.issues.map((i) => i.message).join('; ')}`,
    );
  }
  return { environment: env.data, secrets };
}
