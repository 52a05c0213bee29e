import { z } from 'zod';
import { partitionOverridesSchema } from '../partitions';
import { hostSchema, portSchema, slugSchema } from './common';

export const STORE_KINDS = ['mysql', 'mongodb', 'redis', 'influxdb'] as const;
export const storeKindSchema = z.enum(STORE_KINDS);
export type StoreKind = z.infer<typeof storeKindSchema>;

export const DEFAULT_PORTS: Record<StoreKind, number> = {
  mysql: 3306,
  mongodb: 27017,
  redis: 6379,
  influxdb: 8086,
};

/** The role a new connection of a kind most often has in the blueprint. */
export const DEFAULT_ROLES: Record<StoreKind, string> = {
  mysql: 'core',
  mongodb: 'platform_db',
  redis: 'cache',
  influxdb: 'metrics',
};

/**
 * A role names what a connection is for in the platform's blueprint:
 * `core`, `business:customer_management`, `platform_db`, `business_db`, `cache`, `metrics`, `tenant:acme`.
 */
export const roleSchema = z
  .string()
  .regex(
    /^[a-z][a-z0-9_]{0,40}(:[a-z0-9][a-z0-9_-]{0,62})?$/,
    'role is a word, optionally ":" and a name',
  );

export const endpointSchema = z.object({ host: hostSchema, port: portSchema });
export type Endpoint = z.infer<typeof endpointSchema>;

export const tlsSchema = z.object({
  enabled: z.boolean().default(false),
  /** Verify the server certificate against the CA (and the host name). Off only for lab setups. */
  verify: z.boolean().default(true),
  /** PEM text of the CA bundle, if not the system store. */
  ca: z.string().max(65536).optional(),
  /** PEM text of the client certificate (mutual TLS). Its key is a secret and is stored apart. */
  cert: z.string().max(65536).optional(),
  servername: z.string().max(253).optional(),
});

export const poolSchema = z.object({
  /** Upper bound of open connections. */
  max: z.int().min(1).max(500).default(10),
  /** Connections kept warm (MongoDB minPoolSize; MySQL idle floor). */
  min: z.int().min(0).max(100).default(0),
  /** Close a connection idle for this long. */
  idleTimeoutMs: z.int().min(1000).max(3_600_000).default(60_000),
});

export const timeoutsSchema = z.object({
  /** Establishing a connection (TCP + TLS + auth). */
  connectMs: z.int().min(100).max(120_000).default(5_000),
  /** One call: a query, a command, a probe. */
  operationMs: z.int().min(100).max(3_600_000).default(10_000),
});

export const redisTopologySchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('standalone') }),
  z.object({
    mode: z.literal('sentinel'),
    masterName: z.string().min(1).max(128),
    sentinels: z.array(endpointSchema).min(1).max(16),
  }),
  z.object({ mode: z.literal('cluster'), nodes: z.array(endpointSchema).min(1).max(64) }),
]);

/** Connection settings without secrets. What is stored in profiles and exported as YAML. */
export const connectionSchema = z.object({
  id: slugSchema,
  name: z.string().min(1).max(80),
  kind: storeKindSchema,
  role: roleSchema,
  host: hostSchema,
  port: portSchema,
  user: z.string().max(128).optional(),
  /** mysql: default schema; mongodb: default db / authSource; redis: db index; influxdb: database or bucket. */
  database: z.string().max(128).optional(),
  tls: tlsSchema.default({ enabled: false, verify: true }),
  pool: poolSchema.default({ max: 10, min: 0, idleTimeoutMs: 60_000 }),
  timeouts: timeoutsSchema.default({ connectMs: 5_000, operationMs: 10_000 }),
  /** A read replica (MySQL / MongoDB secondary) probed and shown beside the primary. */
  replica: endpointSchema.optional(),
  redis: redisTopologySchema.optional(),
  /** InfluxDB 2.x organisation; ignored by 1.x. */
  org: z.string().max(128).optional(),
});
export type Connection = z.infer<typeof connectionSchema>;
export type ConnectionInput = z.input<typeof connectionSchema>;

/** A connection as the renderer sees it: no secret, only whether one is stored. */
export const SECRET_FIELDS = ['password', 'token', 'tlsKey'] as const;

export const connectionViewSchema = connectionSchema.extend({
  hasSecret: z.boolean(),
  /** Which parts of the secret are stored (never their values). */
  secretFields: z.array(z.enum(SECRET_FIELDS)),
});
export type ConnectionView = z.infer<typeof connectionViewSchema>;

/**
 * A blueprint is named, never given as a path: `<name>.yaml` in the blueprints folder of Keel's
 * state directory, else the bundled resources/blueprints. A path would let anyone who may edit an
 * environment have Keel read (and quote) any file it can open.
 */
export const blueprintNameSchema = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9_-]{0,62}$/,
    'a blueprint is a name (1-63 lower-case letters, digits, "-" or "_"), not a path: put <name>.yaml in the blueprints folder of Keel\'s state directory',
  );

export const environmentSchema = z.object({
  id: slugSchema,
  name: z.string().min(1).max(80),
  /** Production environments get a red frame and extra confirmation. */
  production: z.boolean().default(false),
  /**
   * Blueprint name (see blueprintNameSchema). Kept lenient here so a profile saved before names
   * were required still loads; where an environment is written, blueprintNameSchema applies, and
   * the loader refuses anything else.
   */
  blueprint: z.string().max(512).default('default'),
  connections: z.array(connectionSchema).max(200).default([]),
  /**
   * Per-table overrides of the blueprint's partition policies (premake, retention, archive), set
   * through `partitions.setOverride` (validated against the blueprint, audited).
   */
  partitionOverrides: partitionOverridesSchema.optional(),
});
export type Environment = z.infer<typeof environmentSchema>;
export type EnvironmentInput = z.input<typeof environmentSchema>;

export const environmentViewSchema = environmentSchema.extend({
  connections: z.array(connectionViewSchema),
  /** Where this environment came from: the profile file, or KEEL_* variables (read-only). */
  source: z.enum(['profile', 'env-vars']),
});
export type EnvironmentView = z.infer<typeof environmentViewSchema>;

/** Secrets of one connection: never returned to the renderer, never logged. */
export const connectionSecretSchema = z.object({
  password: z.string().max(4096).optional(),
  /** InfluxDB 2 API token. */
  token: z.string().max(4096).optional(),
  /** PEM text of the TLS client key. */
  tlsKey: z.string().max(65536).optional(),
});
export type ConnectionSecret = z.infer<typeof connectionSecretSchema>;

/**
 * A change to a connection's secret: a string replaces that part, `null` deletes it, an omitted
 * part stays as stored. So changing the TLS key does not wipe the password.
 */
export const connectionSecretPatchSchema = z
  .object({
    password: z.string().max(4096).nullable().optional(),
    token: z.string().max(4096).nullable().optional(),
    tlsKey: z.string().max(65536).nullable().optional(),
  })
  .strict();
export type ConnectionSecretPatch = z.infer<typeof connectionSecretPatchSchema>;

export function applySecretPatch(
  stored: ConnectionSecret | undefined,
  patch: ConnectionSecretPatch | undefined,
): ConnectionSecret {
  const out: ConnectionSecret = { ...stored };
  for (const f of SECRET_FIELDS) {
    const v = patch?.[f];
    if (v === null) delete out[f];
    else if (v !== undefined) out[f] = v;
  }
  return out;
}
