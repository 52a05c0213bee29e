import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../shared/alerts';
import { alertNotificationText, shouldNotify } from './notification-text';

const alert = (over: Partial<Alert>): Alert => ({
  id: 'a1',
  envId: 'demo',
  ruleId: 'r',
  ruleName: 'DB connections above 80 %',
  fingerprint: 'fp',
  labels: { connection: 'core' },
  severity: 'critical',
  state: 'firing',
  silenced: false,
  value: 0.9,
  summary: 'connections at 90 %',
  runbookUrl: null,
  startsAt: '2026-12-01T10:00:00.000Z',
  firingAt: '2026-12-01T10:01:00.000Z',
  acknowledgedAt: null,
  acknowledgedBy: null,
  ackNote: null,
  ackUntil: null,
  resolvedAt: null,
  updatedAt: '2026-12-01T10:01:00.000Z',
  ...over,
});

describe('alertNotificationText', () => {
  it('puts severity, rule and connection in the title and the summary in the body', () => {
    expect(alertNotificationText(alert({}))).toEqual({
      title: 'Critical: DB connections above 80 % · core',
      body: 'connections at 90 %',
    });
  });
  it('omits a missing connection and shortens long summaries', () => {
    const r = alertNotificationText(
      alert({ labels: {}, severity: 'info', summary: 'x'.repeat(300) }),
    );
    expect(r.title).toBe('Info: DB connections above 80 %');
    expect(r.body).toHaveLength(240);
    expect(r.body.endsWith('…')).toBe(true);
  });
});

describe('shouldNotify', () => {
  it('never notifies silenced or non-firing alerts', () => {
    expect(shouldNotify(alert({}))).toBe(true);
    expect(shouldNotify(alert({ silenced: true }))).toBe(false);
    expect(shouldNotify(alert({ state: 'pending' }))).toBe(false);
    expect(shouldNotify(alert({ state: 'acknowledged' }))).toBe(false);
  });
});
