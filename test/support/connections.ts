import {
  connectionSchema,
  type Connection,
  type ConnectionInput,
  type StoreKind,
} from '../../shared/models/environment';

/** A connection as a user would save it, with short time-outs so fault tests stay quick. */
export function conn(
  kind: StoreKind,
  host: string,
  port: number,
  over: Partial<ConnectionInput> = {},
): Connection {
  return connectionSchema.parse({
    id: over.id ?? `${kind}-test`,
    name: `${kind} test`,
    kind,
    role: { mysql: 'core', mongodb: 'platform_db', redis: 'cache', influxdb: 'metrics' }[kind],
    host,
    port,
    timeouts: { connectMs: 1500, operationMs: 3000 },
    ...over,
  });
}
