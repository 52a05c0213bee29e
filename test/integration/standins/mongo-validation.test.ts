/**
 * Collection validators as MongoDB 6.0 / 7.0 document them, checked with the official driver
 * against getMongoTarget(): a real mongod when KEEL_TEST_MONGO_URL is set, otherwise Keel's
 * TEST-ONLY stand-in. Every assertion must hold for a real server too, so detail arrays are
 * matched by content, not by position.
 *   https://www.mongodb.com/docs/manual/core/schema-validation/
 *   https://www.mongodb.com/docs/manual/reference/operator/query/jsonSchema/
 */
import { MongoClient, MongoServerError, type Db, type Document } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getMongoTarget, type MongoTarget } from '../../support/standins/mongo/index';

const DB = `keel_validation_it_${process.pid}_${Date.now().toString(36)}`;

async function serverError(promise: Promise<unknown>): Promise<MongoServerError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(MongoServerError);
  return err as MongoServerError;
}

/** The `$jsonSchema` rule of a 121 error with the given operatorName. */
function rule(err: MongoServerError, operatorName: string): Document | undefined {
  const rules = (err.errInfo?.details?.schemaRulesNotSatisfied ?? []) as Document[];
  return rules.find((r) => r.operatorName === operatorName);
}

/** The details of one property under the `properties` rule. */
function property(err: MongoServerError, name: string): Document | undefined {
  const props = (rule(err, 'properties')?.propertiesNotSatisfied ?? []) as Document[];
  return props.find((p) => p.propertyName === name);
}

/** Documents whose `_id` may be of any type (the driver's default types it as ObjectId). */
type AnyDoc = { _id?: string | number } & Document;

// The tenant `users` validator of resources/blueprints/default.yaml, as Keel sends it.
const BLUEPRINT_USERS = {
  $jsonSchema: {
    bsonType: 'object',
    required: ['tenant_id', 'username', 'email'],
    properties: {
      tenant_id: { bsonType: 'string', description: "the owning tenant's id" },
      username: { bsonType: 'string' },
      email: { bsonType: 'string' },
    },
  },
};

describe('collection validators (real mongod or the Keel stand-in)', () => {
  let target: MongoTarget;
  let client: MongoClient;
  let db: Db;

  beforeAll(async () => {
    target = await getMongoTarget();
    client = new MongoClient(target.url, { serverSelectionTimeoutMS: 5000 });
    await client.connect();
    db = client.db(DB);
  });

  afterAll(async () => {
    await client?.db(DB).dropDatabase();
    await client?.close();
    await target?.stop();
  });

  it('refuses a document the blueprint validator rejects, with 121 and the failing rules', async () => {
    const users = await db.createCollection<AnyDoc>('tenant_acme_users', {
      validator: BLUEPRINT_USERS,
    });
    await users.insertOne({ tenant_id: 'acme', username: 'ada', email: 'ada@example.test' });
    const err = await serverError(users.insertOne({ _id: 'u2', tenant_id: 7, username: 'bob' }));
    expect(err.code).toBe(121);
    expect(err.errmsg).toBe('Document failed validation');
    expect(err.errInfo?.failingDocumentId).toBe('u2');
    expect(err.errInfo?.details?.operatorName).toBe('$jsonSchema');
    expect(rule(err, 'required')).toEqual({
      operatorName: 'required',
      specifiedAs: { required: ['tenant_id', 'username', 'email'] },
      missingProperties: ['email'],
    });
    expect(property(err, 'tenant_id')).toEqual({
      propertyName: 'tenant_id',
      description: "the owning tenant's id",
      details: [
        {
          operatorName: 'bsonType',
          specifiedAs: { bsonType: 'string' },
          reason: 'type did not match',
          consideredValue: 7,
          consideredType: 'int',
        },
      ],
    });
    expect(await users.countDocuments()).toBe(1);
  });

  it('checks enum, bounds, lengths, pattern, items, type lists and additionalProperties', async () => {
    const coll = await db.createCollection<AnyDoc>('agents', {
      validator: {
        $jsonSchema: {
          bsonType: 'object',
          additionalProperties: false,
          properties: {
            _id: { bsonType: 'objectId' },
            status: { enum: ['idle', 'busy'] },
            cpu: { bsonType: ['int', 'double'], minimum: 0, maximum: 100 },
            name: { bsonType: 'string', minLength: 2, maxLength: 8, pattern: '^[a-z]+$' },
            tags: { bsonType: 'array', items: { bsonType: 'string' } },
          },
        },
      },
    });
    await coll.insertOne({ status: 'idle', cpu: 5, name: 'alpha', tags: ['a'] });
    const err = await serverError(
      coll.insertOne({ status: 'gone', cpu: 120, name: 'X', tags: ['a', 2], extra: 1 }),
    );
    expect(err.code).toBe(121);
    expect(rule(err, 'additionalProperties')).toEqual({
      operatorName: 'additionalProperties',
      specifiedAs: { additionalProperties: false },
      additionalProperties: ['extra'],
    });
    expect(property(err, 'status')?.details).toEqual([
      expect.objectContaining({ operatorName: 'enum', reason: 'value was not found in enum' }),
    ]);
    expect(property(err, 'cpu')?.details).toEqual([
      {
        operatorName: 'maximum',
        specifiedAs: { maximum: 100 },
        reason: 'comparison failed',
        consideredValue: 120,
      },
    ]);
    const nameRules = (property(err, 'name')?.details as Document[]).map((d) => d.operatorName);
    expect(nameRules.sort()).toEqual(['minLength', 'pattern']);
    expect(property(err, 'tags')?.details).toEqual([
      expect.objectContaining({
        operatorName: 'items',
        reason: 'At least one item did not match the sub-schema',
        itemIndex: 1,
      }),
    ]);
    expect(await coll.countDocuments()).toBe(1);
  });

  it('validates updates, replacements and upserts too; a refused update changes nothing', async () => {
    const coll = await db.createCollection<AnyDoc>('upd', { validator: BLUEPRINT_USERS });
    await coll.insertOne({ _id: 1, tenant_id: 't', username: 'u', email: 'e' } as Document);
    const set = await serverError(coll.updateOne({ _id: 1 }, { $set: { email: 5 } }));
    expect(set.code).toBe(121);
    const unset = await serverError(coll.updateOne({ _id: 1 }, { $unset: { username: '' } }));
    expect(unset.code).toBe(121);
    const replaced = await serverError(coll.replaceOne({ _id: 1 }, { tenant_id: 't' }));
    expect(replaced.code).toBe(121);
    const upsert = await serverError(
      coll.updateOne({ _id: 2 }, { $set: { tenant_id: 't' } }, { upsert: true }),
    );
    expect(upsert.code).toBe(121);
    expect(await coll.find().toArray()).toEqual([
      { _id: 1, tenant_id: 't', username: 'u', email: 'e' },
    ]);
  });

  it('enforces plain query-operator validators with per-operator details', async () => {
    const coll = await db.createCollection<AnyDoc>('jobs', {
      validator: { status: { $in: ['queued', 'done'] }, tries: { $gte: 0 } },
    });
    await coll.insertOne({ status: 'queued', tries: 0 });
    const one = await serverError(coll.insertOne({ status: 'lost', tries: 1 }));
    expect(one.code).toBe(121);
    expect(one.errInfo?.details).toEqual({
      operatorName: '$and',
      clausesNotSatisfied: [
        {
          index: 0,
          details: {
            operatorName: '$in',
            specifiedAs: { status: { $in: ['queued', 'done'] } },
            reason: 'no matching value found in array',
            consideredValue: 'lost',
          },
        },
      ],
    });
    const missing = await serverError(coll.insertOne({ status: 'done' }));
    expect(missing.errInfo?.details?.clausesNotSatisfied?.[0]?.details).toMatchObject({
      operatorName: '$gte',
      reason: 'field was missing',
    });
  });

  it('combines $jsonSchema with query operators, and $jsonSchema also filters find', async () => {
    const coll = await db.createCollection<AnyDoc>('either', {
      validator: { $or: [{ $jsonSchema: { required: ['a'] } }, { b: { $exists: true } }] },
    });
    await coll.insertMany([{ a: 1 }, { b: 1 }]);
    const err = await serverError(coll.insertOne({ c: 1 }));
    expect(err.errInfo?.details).toMatchObject({ operatorName: '$or' });
    const clauses = err.errInfo?.details?.clausesNotSatisfied as Document[];
    expect(clauses.map((c) => c.details.operatorName)).toEqual(['$jsonSchema', '$exists']);
    const found = await coll.find({ $jsonSchema: { required: ['b'] } }).toArray();
    expect(found.map(({ _id: _ignored, ...rest }) => rest)).toEqual([{ b: 1 }]);
  });

  it('moderate skips updates of documents that were already invalid; strict does not', async () => {
    const coll = db.collection<AnyDoc>('legacy');
    await coll.insertMany([
      { _id: 'old', kind: 'legacy' },
      { _id: 'ok', kind: 'v2', name: 'fine' },
    ] as Document[]);
    const validator = { $jsonSchema: { required: ['name'] } };
    await db.command({ collMod: 'legacy', validator, validationLevel: 'moderate' });
    await coll.updateOne({ _id: 'old' } as Document, { $set: { touched: true } });
    expect(
      (await serverError(coll.updateOne({ _id: 'ok' } as Document, { $unset: { name: '' } }))).code,
    ).toBe(121);
    expect((await serverError(coll.insertOne({ kind: 'new' }))).code).toBe(121);

    await db.command({ collMod: 'legacy', validationLevel: 'strict' });
    const strict = await serverError(
      coll.updateOne({ _id: 'old' } as Document, { $set: { again: 1 } }),
    );
    expect(strict.code).toBe(121);

    await db.command({ collMod: 'legacy', validationLevel: 'off' });
    await coll.insertOne({ kind: 'unchecked' });
    const info = await db.listCollections({ name: 'legacy' }, { nameOnly: false }).toArray();
    expect(info[0]?.options).toMatchObject({ validator, validationLevel: 'off' });
  });

  it('lets invalid documents through with validationAction warn or bypassDocumentValidation', async () => {
    const warn = await db.createCollection<AnyDoc>('warned', {
      validator: BLUEPRINT_USERS,
      validationAction: 'warn',
    });
    await warn.insertOne({ username: 1 });
    const strict = await db.createCollection<AnyDoc>('bypassed', { validator: BLUEPRINT_USERS });
    expect((await serverError(strict.insertOne({ username: 1 }))).code).toBe(121);
    await strict.insertOne({ username: 1 }, { bypassDocumentValidation: true });
    expect(await warn.countDocuments()).toBe(1);
    expect(await strict.countDocuments()).toBe(1);
  });

  it('refuses a bad validator when the collection is created, and creates nothing', async () => {
    const cases: Array<[Document, number, RegExp]> = [
      [
        { $jsonSchema: { required: ['a'], minLenght: 2 } },
        9,
        /Unknown \$jsonSchema keyword: minLenght/,
      ],
      [
        { $jsonSchema: { properties: { a: { format: 'email' } } } },
        9,
        /'format' is not currently supported/,
      ],
      [
        { $jsonSchema: { properties: { a: { bsonType: 'strng' } } } },
        2,
        /Unknown type name alias: strng/,
      ],
      [
        { $jsonSchema: { properties: { a: { minimum: 'one' } } } },
        14,
        /'minimum' must be a number/,
      ],
      [{ $jsonSchema: { properties: { a: { enum: [] } } } }, 9, /'enum' cannot be an empty array/],
    ];
    for (const [validator, code, message] of cases) {
      const err = await serverError(db.createCollection<AnyDoc>('never', { validator }));
      expect({ code: err.code, validator }).toEqual({ code, validator });
      expect(err.errmsg).toMatch(/^Parsing of collection validator failed :: caused by :: /);
      expect(err.errmsg).toMatch(message);
    }
    const bad = await serverError(
      db.createCollection<AnyDoc>('never', {
        validator: {},
        validationLevel: 'sometimes' as 'strict',
      }),
    );
    expect(bad.code).toBe(2);
    expect(await db.listCollections({ name: 'never' }).toArray()).toEqual([]);
  });
});
