/**
 * Validator commands of the Keel TEST-ONLY MongoDB stand-in: the validator options of `create`
 * are parsed before the collection handler runs (mongod refuses a bad validator and creates
 * nothing), and `collMod` changes validator / validationLevel / validationAction
 * (https://www.mongodb.com/docs/manual/reference/command/collMod/#validation-options).
 * The `create` handler itself lives in cmd-ddl.ts; this module only wraps it.
 */
import type { Document } from 'bson';
import { ddlCommands } from './cmd-ddl';
import type { CommandContext, Handler } from './context';
import { CommandError, notImplemented } from './errors';
import { validateCollectionName } from './store';
import { checkValidationOptions } from './validation';

const VALIDATION_FIELDS = ['validator', 'validationLevel', 'validationAction'] as const;
/** Generic fields every command may carry (sessions, concerns, API version, comment). */
const GENERIC = new Set([
  'lsid',
  'txnNumber',
  'writeConcern',
  'readConcern',
  'comment',
  'apiVersion',
  'apiStrict',
  'apiDeprecationErrors',
  'maxTimeMS',
]);

function create(ctx: CommandContext): Document {
  checkValidationOptions(ctx.body);
  return (ddlCommands.create as Handler)(ctx);
}

function collMod(ctx: CommandContext): Document {
  const name = validateCollectionName(ctx.db, ctx.body.collMod);
  for (const key of Object.keys(ctx.body)) {
    const known =
      key === 'collMod' ||
      key.startsWith('$') ||
      GENERIC.has(key) ||
      (VALIDATION_FIELDS as readonly string[]).includes(key);
    if (!known) throw notImplemented(`collMod option '${key}'`);
  }
  const coll = ctx.server.store.getCollection(ctx.db, name);
  if (!coll) throw new CommandError('NamespaceNotFound', `ns does not exist: ${ctx.db}.${name}`);
  checkValidationOptions(ctx.body);
  for (const key of VALIDATION_FIELDS) {
    if (ctx.body[key] !== undefined) coll.options[key] = ctx.body[key];
  }
  return { ok: 1 };
}

export const validationCommands: Record<string, Handler> = { create, collMod };
