import { z } from 'zod';
import { slugSchema } from '../models/common';
import {
  blueprintNameSchema,
  connectionSchema,
  connectionSecretPatchSchema,
  connectionViewSchema,
  environmentSchema,
  environmentViewSchema,
} from '../models/environment';
import { probeResultSchema } from '../models/health';
import { domain, event, method } from './define';

const exampleConnection = {
  id: 'core',
  name: 'Core MySQL',
  kind: 'mysql' as const,
  role: 'core',
  host: '127.0.0.1',
  port: 3306,
  user: 'keel',
};

const passphraseSchema = z.string().min(8, 'use at least 8 characters').max(1024);

export const environmentsDomain = domain({
  methods: {
    /** All environments with their connections (secrets replaced by `hasSecret`). */
    list: method({
      summary: 'List environments and their connections',
      input: z.object({}).strict(),
      example: {},
      output: z.array(environmentViewSchema),
    }),
    /** Create or rename an environment. Its connections are kept. The blueprint is a name, not a path. */
    save: method({
      summary: 'Create or update an environment (name, production flag, blueprint)',
      input: environmentSchema
        .omit({ connections: true, partitionOverrides: true })
        .extend({ blueprint: blueprintNameSchema.default('default') })
        .strict(),
      example: { id: 'staging', name: 'Staging', production: false, blueprint: 'default' },
      output: environmentViewSchema,
    }),
    /** Delete an environment, its connections and their stored secrets. */
    remove: method({
      summary: 'Delete an environment with its connections and secrets',
      input: z
        .object({
          envId: slugSchema,
          /** Type the environment id again. */
          confirm: slugSchema,
        })
        .strict(),
      example: { envId: 'staging', confirm: 'staging' },
      output: z.object({ removed: z.boolean() }),
      destructive: true,
    }),
    /** Add or replace a connection. Secret parts given replace the stored ones, `null` deletes one, omitted parts stay. */
    saveConnection: method({
      summary: 'Add or update a connection (its secret is stored apart, encrypted)',
      input: z
        .object({
          envId: slugSchema,
          connection: connectionSchema,
          secret: connectionSecretPatchSchema.optional(),
        })
        .strict(),
      example: { envId: 'staging', connection: exampleConnection, secret: { password: 's3cret' } },
      output: connectionViewSchema,
    }),
    /** Remove a connection and its secret. */
    removeConnection: method({
      summary: 'Remove a connection and its stored secret',
      input: z.object({ envId: slugSchema, connectionId: slugSchema }).strict(),
      example: { envId: 'staging', connectionId: 'core' },
      output: z.object({ removed: z.boolean() }),
      destructive: true,
    }),
    /**
     * Connect once with the given settings and report what the server says. Unsaved form values are
     * tested as typed; secret parts not given come from the stored secret of the same connection id.
     */
    testConnection: method({
      summary: 'Test connection settings without saving them',
      input: z
        .object({
          envId: slugSchema,
          connection: connectionSchema,
          secret: connectionSecretPatchSchema.optional(),
        })
        .strict(),
      example: { envId: 'staging', connection: exampleConnection },
      output: probeResultSchema,
    }),
    /** YAML of an environment: without secrets, or with them encrypted by a passphrase. */
    exportYaml: method({
      summary: 'Export an environment as YAML (secrets left out, or encrypted with a passphrase)',
      input: z.object({ envId: slugSchema, passphrase: passphraseSchema.optional() }).strict(),
      example: { envId: 'staging' },
      output: z.object({ yaml: z.string(), secretsIncluded: z.boolean() }),
    }),
    /** Load an environment from YAML. Refuses to overwrite an existing one unless `replace`. */
    importYaml: method({
      summary: 'Import an environment from YAML',
      input: z
        .object({
          yaml: z.string().min(1).max(1_000_000),
          passphrase: passphraseSchema.optional(),
          replace: z.boolean().default(false),
        })
        .strict(),
      example: { yaml: 'keel: environment/v1\nid: staging\nname: Staging\nconnections: []\n' },
      output: environmentViewSchema,
      destructive: true,
    }),
  },
  events: {
    /** An environment or one of its connections changed (any console, any shell). */
    changed: event({
      summary: 'Environments changed',
      payload: z.object({ envId: z.string() }),
    }),
  },
});
