import { connectionSchema, type Connection, type ConnectionView } from '@shared/models/environment';
import { formatEndpoint } from './form/formModel';

/** `host:port`, plus where the other endpoints are (replica, sentinels, cluster nodes). */
export function addressOf(c: ConnectionView): string {
  return formatEndpoint({ host: c.host, port: c.port });
}

export function extraEndpoints(c: ConnectionView): string[] {
  const out: string[] = [];
  if (c.replica) out.push(formatEndpoint(c.replica));
  if (c.redis?.mode === 'sentinel') out.push(...c.redis.sentinels.map(formatEndpoint));
  if (c.redis?.mode === 'cluster') out.push(...c.redis.nodes.map(formatEndpoint));
  return out;
}

export type TlsLabel = 'off' | 'verified' | 'noVerify';
export const tlsLabel = (c: ConnectionView): TlsLabel =>
  !c.tls.enabled ? 'off' : c.tls.verify ? 'verified' : 'noVerify';

/** The connection settings without the view-only `hasSecret`, as the contract's inputs take them. */
export function settingsOf(c: ConnectionView): Connection {
  // The schema strips keys it does not know, `hasSecret` among them.
  return connectionSchema.parse(c);
}
