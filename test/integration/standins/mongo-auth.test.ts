/**
 * Authentication against a real mongod (only when KEEL_TEST_MONGO_AUTH_URL gives credentials) or
 * against Keel's TEST-ONLY MongoDB stand-in started with a user. Assertions hold for both.
 */
import { MongoClient, MongoServerError } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startMongoStandIn,
  withCredentials,
  type MongoStandIn,
} from '../../support/standins/mongo/index';

async function serverError(promise: Promise<unknown>): Promise<MongoServerError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(MongoServerError);
  return err as MongoServerError;
}

const usingReal = Boolean(process.env.KEEL_TEST_MONGO_URL);
const realAuthUrl = process.env.KEEL_TEST_MONGO_AUTH_URL;
const skipAuth = usingReal && !realAuthUrl;
if (skipAuth) {
  console.info(
    'mongo auth tests skipped: set KEEL_TEST_MONGO_AUTH_URL (with credentials) to run them',
  );
}

describe('authentication (SCRAM-SHA-256)', () => {
  let standIn: MongoStandIn | undefined;
  let goodUrl: string;
  let badUrl: string;

  beforeAll(async () => {
    if (skipAuth) return;
    if (realAuthUrl) {
      goodUrl = realAuthUrl;
      const bad = new URL(realAuthUrl);
      bad.password = 'definitely-not-the-password';
      badUrl = bad.toString();
      return;
    }
    standIn = await startMongoStandIn({ users: [{ user: 'keel', password: 'k33l-s3cret' }] });
    goodUrl = withCredentials(standIn.url, 'keel', 'k33l-s3cret');
    badUrl = withCredentials(standIn.url, 'keel', 'wrong');
  });

  afterAll(async () => {
    await standIn?.stop();
  });

  const connect = (url: string): MongoClient =>
    new MongoClient(url, { serverSelectionTimeoutMS: 3000 });

  it.skipIf(skipAuth)('accepts the right password', async () => {
    const client = connect(goodUrl);
    try {
      await client.connect();
      expect(await client.db('admin').command({ ping: 1 })).toMatchObject({ ok: 1 });
      const status = await client.db('admin').command({ connectionStatus: 1 });
      expect(status.authInfo.authenticatedUsers.length).toBeGreaterThan(0);
    } finally {
      await client.close();
    }
  });

  it.skipIf(skipAuth)('rejects a wrong password with code 18', async () => {
    const client = connect(badUrl);
    try {
      const err = await serverError(client.connect());
      expect(err.code).toBe(18);
      expect(err.codeName).toBe('AuthenticationFailed');
    } finally {
      await client.close();
    }
  });

  it.skipIf(skipAuth)(
    'refuses data commands on an unauthenticated connection with code 13',
    async () => {
      const anonymous = new URL(goodUrl);
      anonymous.username = '';
      anonymous.password = '';
      const client = connect(anonymous.toString());
      try {
        const err = await serverError(client.db('admin').admin().listDatabases());
        expect(err.code).toBe(13);
      } finally {
        await client.close();
      }
    },
  );
});
