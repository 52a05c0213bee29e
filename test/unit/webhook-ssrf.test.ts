import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Alert, AlertEvent } from '../../shared/alerts';
import { createCore } from '../../electron/main/bootstrap';
import { silentLogger } from '../../electron/main/lib/logger';
import { KeyCipher } from '../../electron/main/secrets/cipher';
import type { CallContext } from '../../electron/main/router/router';
import {
  classifyAddress,
  literalAddress,
  WebhookPolicy,
} from '../../electron/main/services/alerts/webhook-address';
import { WebhookSender } from '../../electron/main/services/alerts/webhooks';

const refusal = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    return e as { code: string; message: string };
  }
  throw new Error('expected a refusal');
};

describe('address classifier', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'shared'],
    ['169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['fd00:ec2::254', 'private'],
    ['fc00::1', 'private'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['0:0:0:0:0:ffff:a9fe:a9fe', 'link-local'],
    ['::ffff:0:a9fe:a9fe', 'link-local'],
    ['::127.0.0.1', 'loopback'],
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    ['2002:7f00:1::', 'loopback'],
    ['2002:c0a8:0101::1', 'private'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['240.0.0.1', 'reserved'],
  ])('%s is %s', (ip, label) => {
    expect(classifyAddress(ip)).toMatch(new RegExp(label));
  });

  it.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '11.0.0.1', '2606:4700::1111'])(
    '%s is public',
    (ip) => expect(classifyAddress(ip)).toBeUndefined(),
  );

  it.each([
    ['0x7f000001', '127.0.0.1'],
    ['2130706433', '127.0.0.1'],
    ['0177.0.0.1', '127.0.0.1'],
    ['0177.1', '127.0.0.1'],
    ['127.1', '127.0.0.1'],
    ['0xa9.0xfe.0xa9.0xfe', '169.254.169.254'],
    ['0', '0.0.0.0'],
    ['127.0.0.1.', '127.0.0.1'],
    ['[::1]', '::1'],
    ['[::ffff:7f00:1]', '::ffff:7f00:1'],
  ])('reads %s as the address %s (as the resolver would)', (host, ip) => {
    expect(literalAddress(host)).toBe(ip);
  });

  it.each(['example.com', 'localhost', '1.2.3.4.5', '08.0.0.1', '0x1g.0.0.1', '256.0.0.1'])(
    '%s is not an address literal',
    (host) => expect(literalAddress(host)).toBeUndefined(),
  );
});

describe('webhook URL policy', () => {
  const policy = new WebhookPolicy([]);

  it.each([
    'http://169.254.169.254/latest/meta-data/',
    'http://[::1]/',
    'http://0x7f000001/',
    'http://2130706433/',
    'http://0177.0.0.1/',
    'http://127.1/',
    'http://[::ffff:127.0.0.1]/',
    'http://[0:0:0:0:0:ffff:7f00:1]/',
    'http://0/',
    'http://10.0.0.1/',
    'http://[fd00::1]/',
    'http://[fe80::1]/',
    'http://localhost:8080/',
    'http://LOCALHOST./',
    'https://127.0.0.1.:443/',
  ])('refuses %s', async (url) => {
    expect(await refusal(policy.check(url))).toMatchObject({ code: 'VALIDATION' });
  });

  it.each(['http://alice:S3cr3t@hooks.example.com/', 'https://Tok3nValue@hooks.example.com/x'])(
    'refuses credentials in %s without echoing them',
    async (url) => {
      const err = await refusal(policy.check(url));
      expect(err.code).toBe('VALIDATION');
      expect(err.message).not.toMatch(/alice|S3cr3t|Tok3nValue/);
    },
  );

  it('accepts a public address, and a private one the allow-list names', async () => {
    expect(await policy.check('https://8.8.8.8/hook')).toMatchObject({ address: '8.8.8.8' });
    const allowing = new WebhookPolicy(['127.0.0.0/8', '::1']);
    expect(await allowing.check('http://127.0.0.1:9/')).toMatchObject({ address: '127.0.0.1' });
    expect(await allowing.check('http://[::1]:9/')).toMatchObject({ address: '::1' });
    expect(await refusal(allowing.check('http://10.0.0.1/'))).toMatchObject({ code: 'VALIDATION' });
  });

  it('refuses a name when any of its addresses is refused', async () => {
    const p = new WebhookPolicy([], async () => [
      { address: '8.8.8.8', family: 4 },
      { address: '169.254.169.254', family: 4 },
    ]);
    expect(await refusal(p.check('https://hooks.example.com/'))).toMatchObject({
      code: 'VALIDATION',
      message: expect.stringMatching(/169\.254\.169\.254.*link-local/),
    });
  });

  it('accepts at save a name that does not resolve here (the sender checks again)', async () => {
    const p = new WebhookPolicy([], () =>
      Promise.reject(Object.assign(new Error('nope'), { code: 'ENOTFOUND' })),
    );
    await expect(p.validate('https://hooks.internal.example/')).resolves.toBeUndefined();
    expect(await refusal(p.check('https://hooks.internal.example/'))).toMatchObject({
      code: 'VALIDATION',
    });
    expect(await refusal(p.validate('http://169.254.169.254/'))).toMatchObject({
      code: 'VALIDATION',
    });
  });

  it('refuses a malformed allow-list entry', () => {
    expect(() => new WebhookPolicy(['10.0.0.0/33'])).toThrow(/10\.0\.0\.0\/33/);
  });
});

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

describe('webhook delivery', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  });

  /** A loopback HTTP server counting requests; `answer` writes the response. */
  const serve = async (answer: (res: ServerResponse) => void) => {
    const hits: string[] = [];
    const server = createServer((req, res) => {
      hits.push(`${req.method} ${req.url}`);
      req.resume();
      req.on('end', () => answer(res));
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return { hits, port: (server.address() as AddressInfo).port };
  };
  const settings = { attempts: 3, backoffMs: 10, timeoutMs: 2000 };
  const hook = (url: string) => [{ id: 'h', url, minSeverity: 'warning' as const, enabled: true }];

  it('does not follow a redirect to another port, and does not retry it', async () => {
    const target = await serve((res) => res.writeHead(200).end());
    const first = await serve((res) =>
      res.writeHead(302, { location: `http://127.0.0.1:${target.port}/stolen` }).end(),
    );
    const s = new WebhookSender(silentLogger(), { ...settings, allowNetworks: ['127.0.0.1'] });
    s.send(hook(`http://127.0.0.1:${first.port}/hook`), alert, event);
    await s.idle();
    expect(first.hits).toHaveLength(1);
    expect(target.hits).toEqual([]);
    expect(s.stats).toMatchObject({ delivered: 0, failed: 1, retries: 0 });
  });

  it('sends nothing to loopback unless the allow-list names it', async () => {
    const target = await serve((res) => res.writeHead(200).end());
    const s = new WebhookSender(silentLogger(), settings);
    s.send(hook(`http://127.0.0.1:${target.port}/hook`), alert, event);
    await s.idle();
    expect(target.hits).toEqual([]);
    expect(s.stats).toMatchObject({ delivered: 0, failed: 1 });
  });

  it('retries a name that did not resolve, but not a refused address', async () => {
    const unresolved = new WebhookSender(silentLogger(), {
      ...settings,
      lookup: () => Promise.reject(Object.assign(new Error('nope'), { code: 'EAI_AGAIN' })),
    });
    unresolved.send(hook('https://hooks.internal.example/'), alert, event);
    await unresolved.idle();
    expect(unresolved.stats).toMatchObject({ failed: 1, retries: 2 });
    const refused = new WebhookSender(silentLogger(), settings);
    refused.send(hook('http://169.254.169.254/'), alert, event);
    await refused.idle();
    expect(refused.stats).toMatchObject({ failed: 1, retries: 0 });
  });

  it('connects to the address it checked: the name is resolved once per attempt', async () => {
    const target = await serve((res) => res.writeHead(200).end());
    const answers = ['127.0.0.1', '169.254.169.254'];
    let lookups = 0;
    const s = new WebhookSender(silentLogger(), {
      ...settings,
      allowNetworks: ['127.0.0.1'],
      // A rebinding resolver: a checked address first, the metadata service after.
      lookup: async () => [{ address: answers[Math.min(lookups++, 1)]!, family: 4 }],
    });
    s.send(hook(`http://hook.rebind.test:${target.port}/hook`), alert, event);
    await s.idle();
    expect(lookups).toBe(1);
    expect(target.hits).toEqual(['POST /hook']);
    expect(s.stats.delivered).toBe(1);
  });
});

describe('alerts.saveWebhooks', () => {
  it('refuses a webhook to a refused address with the index of the bad URL', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'keel-hooks-'));
    const core = await createCore({
      shell: 'server',
      version: 'test',
      userDataDir: dir,
      cipher: new KeyCipher('test', Buffer.alloc(32, 8)),
      logger: silentLogger(),
    });
    const ctx: CallContext = {
      shell: 'server',
      actor: { type: 'user', name: 'test' },
      signal: new AbortController().signal,
    };
    try {
      await core.router.dispatch('environments.save', { id: 'staging', name: 'Staging' }, ctx);
      const r = await core.router.dispatch(
        'alerts.saveWebhooks',
        {
          envId: 'staging',
          webhooks: [
            { id: 'ok', url: 'https://8.8.8.8/hook' },
            { id: 'meta', url: 'http://169.254.169.254/latest/meta-data/' },
          ],
        },
        ctx,
      );
      expect(r.ok ? 'saved' : r.error.code).toBe('VALIDATION');
      if (!r.ok) expect(r.error.message).toMatch(/meta.*link-local/);
      const list = await core.router.dispatch('alerts.webhooks', { envId: 'staging' }, ctx);
      expect(list).toMatchObject({ ok: true, value: [] });
    } finally {
      await core.dispose();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
