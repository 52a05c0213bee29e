import http from 'node:http';
import https from 'node:https';

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'HEAD';
  url: URL;
  headers?: Record<string, string>;
  body?: string;
  signal: AbortSignal;
  agent: http.Agent;
  /** Refuse bodies beyond this many bytes (a runaway query must not eat the main process). */
  maxBytes?: number;
}

/** One HTTP exchange over a pooled keep-alive agent, cancelled by the signal. */
export function httpRequest(req: HttpRequest): Promise<HttpResponse> {
  const mod = req.url.protocol === 'https:' ? https : http;
  const limit = req.maxBytes ?? 64 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    const r = mod.request(
      req.url,
      { method: req.method, headers: req.headers, agent: req.agent, signal: req.signal },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > limit) {
            r.destroy(new Error(`response larger than ${limit} bytes`));
            return;
          }
          chunks.push(c);
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    r.on('error', reject);
    r.end(req.body);
  });
}

/** Statistics of a keep-alive agent: sockets busy, idle, and requests waiting for one. */
export function agentStats(agent: http.Agent): { inUse: number; idle: number; waiting: number } {
  const count = (o: NodeJS.ReadOnlyDict<unknown[]>): number =>
    Object.values(o).reduce<number>((n, list) => n + (list?.length ?? 0), 0);
  return {
    inUse: count(agent.sockets),
    idle: count(agent.freeSockets),
    waiting: count(agent.requests),
  };
}
