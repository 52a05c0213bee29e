import { z } from 'zod';
import {
  backupIdSchema,
  backupScopeSchema,
  backupStatusSchema,
  backupRunSchema,
  backupSummarySchema,
  anyManifestSchema,
  verifyReportSchema,
} from '../backups';
import { jobRecordSchema } from '../jobs';
import { scheduleSchema } from '../schedules';
import { slugSchema } from '../models/common';
import { domain, method } from './define';

const ref = z.object({ envId: slugSchema, id: backupIdSchema }).strict();

export const backupsDomain = domain({
  methods: {
    /**
     * Start a consistent backup of a MySQL / MariaDB connection: the whole server, chosen
     * databases or tables, or one tenant. Pre-flight first (connection, scope, privileges, free
     * space): a refused run writes nothing. Follow it with `jobs.progress` / `jobs.updated`.
     */
    run: method({
      summary: 'Back up a MySQL connection (server, databases, tables or one tenant)',
      input: backupRunSchema,
      example: { envId: 'demo', connectionId: 'core', scope: { type: 'server' } },
      output: jobRecordSchema,
    }),
    /**
     * The environment's backups, newest first: complete ones, runs in progress, failed and
     * cancelled runs with their reason. Only `complete` backups can be verified or restored.
     */
    list: method({
      summary: "List an environment's backups",
      input: z.object({ envId: slugSchema }).strict(),
      example: { envId: 'demo' },
      output: z.array(backupSummarySchema),
    }),
    /**
     * Per connection and scope: the last run's state and error, failures since the last
     * success, and the age, duration, size and lock time of the newest complete backup.
     */
    status: method({
      summary: 'Where each connection and scope stands with its backups',
      input: z.object({ envId: slugSchema }).strict(),
      example: { envId: 'demo' },
      output: z.array(backupStatusSchema),
    }),
    /** One backup: its catalog row and, when complete, its manifest. */
    get: method({
      summary: 'Show one backup and its manifest',
      input: ref,
      example: { envId: 'demo', id: 'b_20260101T020000Z_a1b2c3' },
      output: z.object({ summary: backupSummarySchema, manifest: anyManifestSchema.optional() }),
    }),
    /**
     * Re-read every file of a backup against its manifest (the manifest's own hash, each file's
     * presence, size and SHA-256) and report every problem found.
     */
    verify: method({
      summary: 'Check a backup against its manifest',
      input: ref,
      example: { envId: 'demo', id: 'b_20260101T020000Z_a1b2c3' },
      output: verifyReportSchema,
    }),
    /**
     * Schedule a connection's backups from the blueprint's `backups:` policy: the daily full
     * backup (verified after each run, then retention of `keepDays`) on the jobs engine, so it
     * runs once however many consoles are open. Saving again updates the schedule. What is not
     * scheduled (the incremental backup) is listed with the reason.
     */
    schedule: method({
      summary: "Schedule a connection's backups from the blueprint policy",
      input: z
        .object({
          envId: slugSchema,
          connectionId: slugSchema,
          scope: backupScopeSchema.default({ type: 'server' }),
          enabled: z.boolean().default(true),
        })
        .strict(),
      example: { envId: 'demo', connectionId: 'core' },
      output: z.object({
        schedules: z.array(scheduleSchema),
        notScheduled: z.array(z.object({ what: z.string(), reason: z.string() })),
      }),
    }),
    /** Delete a backup's files and catalog row. `confirm` must repeat the backup id. */
    delete: method({
      summary: 'Delete a backup',
      input: ref
        .extend({ confirm: z.string().min(1, 'type the backup id to confirm').max(64) })
        .strict(),
      example: {
        envId: 'demo',
        id: 'b_20260101T020000Z_a1b2c3',
        confirm: 'b_20260101T020000Z_a1b2c3',
      },
      output: z.object({ deleted: backupIdSchema }),
      destructive: true,
    }),
  },
  events: {},
});
