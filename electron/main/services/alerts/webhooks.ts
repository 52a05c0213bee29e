import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Logger } from 'pino';
import type { KeelError } from '../../../../shared/errors';
import type { Alert, AlertEvent, Webhook } from '../../../../shared/alerts';
import type { Disposable } from '../../lib/disposables';
import { atLeast } from './machine';
import { WebhookPolicy, type CheckedUrl, type Resolve } from './webhook-address';

export interface WebhookSettings {
  attempts: number;
  /** First back-off; doubled after each failed attempt. */
  backoffMs: number;
  timeoutMs: number;
  /**
   * Loopback, private, link-local … networks webhooks may reach anyway (CIDRs or addresses).
   * Operator configuration only (KEEL_WEBHOOK_ALLOW_NETWORKS), never set through the contract.
   */
  allowNetworks?: readonly string[];
  /** The resolver (tests); the system's by default. */
  lookup?: Resolve;
}

/** `KEEL_WEBHOOK_ALLOW_NETWORKS=10.0.0.0/8,fd00::/8` → the allow-list. */
export function webhookSettingsFromEnv(env: NodeJS.ProcessEnv): Partial<WebhookSettings> {
  const list = (env.KEEL_WEBHOOK_ALLOW_NETWORKS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return list.length ? { allowNetworks: list } : {};
}

/** Thrown for an outcome that retrying cannot change (a refused address, a redirect, a 4xx). */
class FinalError extends Error {
  readonly final = true;
}

/**
 * One POST to the address the policy checked: the socket connects there whatever DNS says by
 * now (TLS still verifies the host name), and redirects are never followed.
 */
function post(target: CheckedUrl, body: string, signal: AbortSignal): Promise<number> {
  const { url, address, family } = target;
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'user-agent': 'keel-alerts',
        },
        signal,
        // A connection of its own: no pooled socket outlives the check made for this request.
        agent: false,
        lookup: (_host, options, cb) => {
          if ((options as { all?: boolean }).all) cb(null, [{ address, family }]);
          else (cb as (e: null, a: string, f: number) => void)(null, address, family);
        },
      },
      (res) => {
        res.resume();
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400) {
          let to = 'nowhere';
          try {
            to = new URL(res.headers.location ?? '', url).origin;
          } catch {
            // an unparsable Location is reported as nowhere
          }
          reject(new FinalError(`HTTP ${status}: redirect to ${to} not followed`));
          return;
        }
        resolve(status);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export const DEFAULT_WEBHOOK_SETTINGS: WebhookSettings = {
  attempts: 5,
  backoffMs: 1000,
  timeoutMs: 10_000,
};

export interface WebhookStats {
  delivered: number;
  failed: number;
  retries: number;
  inFlight: number;
}

/**
 * Posts `{alert, event}` to each enabled webhook at or above its minimum severity, in the
 * background (never blocking evaluation), with time-outs and exponential back-off; a delivery
 * that fails every attempt is logged and counted.
 */
export class WebhookSender implements Disposable {
  readonly stats: WebhookStats = { delivered: 0, failed: 0, retries: 0, inFlight: 0 };
  private readonly abort = new AbortController();
  private readonly running = new Set<Promise<void>>();

  readonly policy: WebhookPolicy;

  constructor(
    private readonly logger: Logger,
    private readonly settings: WebhookSettings = DEFAULT_WEBHOOK_SETTINGS,
  ) {
    this.policy = new WebhookPolicy(settings.allowNetworks ?? [], settings.lookup);
  }

  send(hooks: readonly Webhook[], alert: Alert, event: AlertEvent): void {
    for (const h of hooks) {
      if (!h.enabled || !atLeast(alert.severity, h.minSeverity)) continue;
      const p = this.deliver(h, JSON.stringify({ alert, event })).finally(() =>
        this.running.delete(p),
      );
      this.running.add(p);
    }
  }

  /** Wait for deliveries in flight (tests). */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running]);
  }

  dispose(): void {
    this.abort.abort();
  }

  private async deliver(h: Webhook, body: string): Promise<void> {
    this.stats.inFlight++;
    try {
      for (let attempt = 1; attempt <= this.settings.attempts; attempt++) {
        if (this.abort.signal.aborted) return;
        try {
          // Checked on every attempt: the URL may be stored from before, DNS may have changed.
          const target = await this.policy.check(h.url).catch((e: KeelError) => {
            // A refused URL stays refused; a name that did not resolve may resolve later.
            throw e.details?.unresolved === true ? e : new FinalError(e.message);
          });
          const status = await post(
            target,
            body,
            AbortSignal.any([this.abort.signal, AbortSignal.timeout(this.settings.timeoutMs)]),
          );
          if (status >= 200 && status < 300) {
            this.stats.delivered++;
            return;
          }
          // A client error other than throttling will not get better by retrying.
          if (status >= 400 && status < 500 && status !== 429 && status !== 408) {
            throw new FinalError(`HTTP ${status}`);
          }
          throw new Error(`HTTP ${status}`);
        } catch (e) {
          const final = (e as { final?: boolean }).final === true;
          if (final || attempt === this.settings.attempts || this.abort.signal.aborted) {
            this.stats.failed++;
            this.logger.warn(
              { webhook: h.id, attempt, err: (e as Error).message },
              'alert webhook not delivered',
            );
            return;
          }
          this.stats.retries++;
          const wait = this.settings.backoffMs * 2 ** (attempt - 1);
          await new Promise<void>((r) => {
            const t = setTimeout(r, wait);
            t.unref?.();
            this.abort.signal.addEventListener('abort', () => (clearTimeout(t), r()), {
              once: true,
            });
          });
        }
      }
    } finally {
      this.stats.inFlight--;
    }
  }
}
