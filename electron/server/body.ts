import type { IncomingMessage } from 'node:http';

/**
 * The request body, or 'too-large' as soon as it is known to exceed `limit` bytes (from
 * Content-Length before reading anything — Node then discards the body once the answer is
 * sent — or while reading). Chunks are joined as bytes, so a
 * character split between two chunks stays whole.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) return Promise.resolve('too-large');
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer): void => {
      size += c.length;
      if (size <= limit) return void chunks.push(c);
      // Keep reading but drop the rest (no memory held): closing the connection instead would make
      // a client that is still writing see EPIPE rather than the 413. Node's requestTimeout bounds it.
      req.off('data', onData);
      chunks.length = 0;
      req.resume();
      resolve('too-large');
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}
