import { describe, expect, it } from 'vitest';
import { mapStoreError } from './errors';

describe('store errors in Keel’s words', () => {
  it('does not show ioredis’s offline-queue text as the message of a Redis outage', () => {
    const e = mapStoreError(
      new Error("Stream isn't writeable and enableOfflineQueue options is false"),
      { kind: 'redis', address: '127.0.0.1:6379' },
    );
    expect(e.code).toBe('CONN_REFUSED');
    expect(e.message).not.toMatch(/enableOfflineQueue|Stream isn't writeable/);
    expect(e.message).toMatch(/^Nothing answered at 127\.0\.0\.1:6379/);
    // The driver's own words stay in the details for the log.
    expect(e.details?.driverMessage).toMatch(/enableOfflineQueue/);
  });

  it('keeps the driver text where it is the cause', () => {
    const e = mapStoreError(
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' }),
      {
        kind: 'redis',
        address: '127.0.0.1:6379',
      },
    );
    expect(e.code).toBe('CONN_REFUSED');
    expect(e.message).toMatch(/ECONNREFUSED/);
  });
});
