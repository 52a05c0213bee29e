/** The store page's address: `#/overview/<envId>/<connectionId>`. */

/** `#/overview/<envId>/<connectionId>` → the store shown, or undefined on the overview itself. */
export function parseStoreHash(hash: string): { envId: string; connectionId: string } | undefined {
  const [route, envId, connectionId] = hash.replace(/^#\/?/, '').split('?')[0]!.split('/');
  if (route !== 'overview' || !envId || !connectionId) return undefined;
  return { envId: decodeURIComponent(envId), connectionId: decodeURIComponent(connectionId) };
}

export const storeHref = (envId: string, connectionId: string): string =>
  `#/overview/${encodeURIComponent(envId)}/${encodeURIComponent(connectionId)}`;
