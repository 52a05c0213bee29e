import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Alert, AlertEvent } from '../../shared/alerts';
import { silentLogger } from '../../electron/main/lib/logger';
import { WebhookSender } from '../../electron/main/services/alerts/webhooks';

const alert = {
  id: 'a_1',
  envId: 'demo',
  ruleId: 'store-down',
  ruleName: 'Store down',
  fingerprint: 'f',
  labels: { connection: 'core' },
  severity: 'critical',
  state: 'firing',
  silenced: false,
  value: 0,
  summary: 'down',
  runbookUrl: null,
  startsAt: '2026-01-01T00:00:00.000Z',
  firingAt: '2026-01-01T00:00:00.000Z',
  acknowledgedAt: null,
  acknowledgedBy: null,
  ackNote: null,
  ackUntil: null,
  resolvedAt: null,
  updatedAt: '2026-01-01T00:00:00.000Z',
} satisfies Alert;
const event: AlertEvent = {
  alertId: 'a_1',
  at: alert.updatedAt,
  from: 'pending',
  to: 'firing',
  by: 'evaluator',
  note: null,
  value: 0,
};

/** The test servers listen on loopback, which webhooks reach only when allow-listed. */
const LOOPBACK = { allowNetworks: ['127.0.0.1'] };

describe('webhook sender', () => {
  let server: Server | undefined;
  afterEach(() => server?.close());

  const serve = async (statuses: number[]) => {
    const calls: string[] = [];
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        calls.push(body);
        res.writeHead(statuses[Math.min(calls.length - 1, statuses.length - 1)] ?? 200).end();
      });
    });
    await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    return { calls, url };
  };

  it('retries server errors with back-off and counts the outcome', async () => {
    const { calls, url } = await serve([500, 503, 200]);
    const s = new WebhookSender(silentLogger(), {
      ...LOOPBACK,
      attempts: 5,
      backoffMs: 10,
      timeoutMs: 1000,
    });
    s.send([{ id: 'h', url, minSeverity: 'warning', enabled: true }], alert, event);
    await s.idle();
    expect(calls).toHaveLength(3);
    expect(JSON.parse(calls[2] ?? '{}')).toEqual({ alert, event });
    expect(s.stats).toMatchObject({ delivered: 1, retries: 2, failed: 0, inFlight: 0 });
  });

  it('gives up on a client error at once and after the last attempt otherwise', async () => {
    const { calls, url } = await serve([400]);
    const s = new WebhookSender(silentLogger(), {
      ...LOOPBACK,
      attempts: 3,
      backoffMs: 10,
      timeoutMs: 1000,
    });
    s.send([{ id: 'h', url, minSeverity: 'warning', enabled: true }], alert, event);
    await s.idle();
    expect(calls).toHaveLength(1);
    expect(s.stats.failed).toBe(1);
  });

  it('skips disabled hooks and alerts below their minimum severity', async () => {
    const { calls, url } = await serve([200]);
    const s = new WebhookSender(silentLogger(), {
      ...LOOPBACK,
      attempts: 1,
      backoffMs: 10,
      timeoutMs: 1000,
    });
    s.send(
      [
        { id: 'off', url, minSeverity: 'info', enabled: false },
        { id: 'crit', url, minSeverity: 'critical', enabled: true },
      ],
      { ...alert, severity: 'warning' },
      event,
    );
    await s.idle();
    expect(calls).toHaveLength(0);
  });
});
