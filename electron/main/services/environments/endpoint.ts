import { KeelError } from '../../../../shared/errors';
import {
  applySecretPatch,
  SECRET_FIELDS,
  type Connection,
  type ConnectionSecret,
  type ConnectionSecretPatch,
  type Endpoint,
} from '../../../../shared/models/environment';

const hostPort = (e: Endpoint): string => `${e.host.toLowerCase()}:${e.port}`;
/** A list of hosts compared as a set: the order of sentinels or cluster nodes sends nothing elsewhere. */
const hostList = (list: Endpoint[] | undefined): string =>
  (list ?? []).map(hostPort).sort().join(',');

/**
 * What decides where a connection's secret is sent and how it is protected on the way: the
 * store kind, every host and port it may connect to, the user, and the TLS settings (turning TLS
 * or verification off, or another CA, would expose the secret to whoever answers).
 */
function endpointParts(c: Connection): Record<string, string> {
  const topology = c.redis;
  return {
    kind: c.kind,
    host: c.host.toLowerCase(),
    port: String(c.port),
    user: c.user ?? '',
    'TLS settings': JSON.stringify([
      c.tls.enabled,
      c.tls.verify,
      c.tls.ca ?? '',
      c.tls.cert ?? '',
      c.tls.servername ?? '',
    ]),
    replica: c.replica ? hostPort(c.replica) : '',
    'Redis topology': !topology
      ? ''
      : topology.mode === 'standalone'
        ? ''
        : topology.mode === 'sentinel'
          ? `sentinel ${topology.masterName} ${hostList(topology.sentinels)}`
          : `cluster ${hostList(topology.nodes)}`,
  };
}

/** Names of the endpoint parts that differ between two settings of one connection. */
export function endpointChanges(before: Connection, after: Connection): string[] {
  const a = endpointParts(before);
  const b = endpointParts(after);
  return Object.keys(a).filter((k) => a[k] !== b[k]);
}

/**
 * The secret to use for `next`: the stored one (patched) while the endpoint is the one it was
 * stored for; otherwise only what was typed now. A stored part neither typed again nor cleared
 * is refused, so a form pointing at another host never carries the saved password there.
 * `reused` tells whether the stored secret was kept.
 */
export function secretForEndpoint(
  saved: Connection | undefined,
  stored: ConnectionSecret | undefined,
  next: Connection,
  patch: ConnectionSecretPatch | undefined,
): { secret: ConnectionSecret; reused: boolean } {
  const storedParts = SECRET_FIELDS.filter((f) => Boolean(stored?.[f]));
  if (storedParts.length === 0) return { secret: applySecretPatch(undefined, patch), reused: true };
  const changed = saved ? endpointChanges(saved, next) : ['endpoint'];
  if (changed.length === 0) return { secret: applySecretPatch(stored, patch), reused: true };
  const missing = storedParts.filter((f) => patch?.[f] === undefined);
  if (missing.length > 0) {
    throw new KeelError(
      'VALIDATION',
      `the ${changed.join(', ')} of connection "${next.id}" changed: type the ${missing.join(' and ')} again (or clear it). A stored secret is only sent to the endpoint it was saved for`,
      {
        changed,
        fields: missing,
        // Per field, so the connection form shows it at the password (or key) to type again.
        issues: missing.map((f) => ({
          path: ['secret', f],
          message: `the ${changed.join(', ')} changed: type the ${f} again`,
        })),
      },
    );
  }
  return { secret: applySecretPatch(undefined, patch), reused: false };
}
