import type { Logger } from 'pino';
import type { Alert, AlertEvent, Webhook } from '../../../../shared/alerts';
import type { Disposable } from '../../lib/disposables';
import { atLeast } from './machine';

export interface WebhookSettings {
  attempts: number;
  /** First back-off; doubled after each failed attempt. */
  backoffMs: number;
  timeoutMs: number;
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

  constructor(
    private readonly logger: Logger,
    private readonly settings: WebhookSettings = DEFAULT_WEBHOOK_SETTINGS,
  ) {}

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
          const res = await fetch(h.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'user-agent': 'keel-alerts' },
            body,
            signal: AbortSignal.any([
              this.abort.signal,
              AbortSignal.timeout(this.settings.timeoutMs),
            ]),
          });
          await res.body?.cancel().catch(() => undefined);
          if (res.ok) {
            this.stats.delivered++;
            return;
          }
          // A client error other than throttling will not get better by retrying.
          if (res.status >= 400 && res.status < 500 && res.status !== 429 && res.status !== 408) {
            throw Object.assign(new Error(`HTTP ${res.status}`), { final: true });
          }
          throw new Error(`HTTP ${res.status}`);
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
