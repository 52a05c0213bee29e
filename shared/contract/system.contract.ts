import { z } from 'zod';
import { domain, event, method } from './define';

const empty = z.object({}).strict();

export const systemDomain = domain({
  methods: {
    /** Who and where this Keel is: version, shell, and how secrets are protected here. */
    info: method({
      summary: 'Show the Keel version, shell and secret-storage backend',
      input: empty,
      example: {},
      output: z.object({
        name: z.string(),
        version: z.string(),
        shell: z.enum(['desktop', 'server', 'cli', 'agent']),
        platform: z.string(),
        node: z.string(),
        electron: z.string().optional(),
        userDataDir: z.string(),
        secretStorage: z.object({
          backend: z.string(),
          /** False where secrets would be kept with a weak backend (Linux without a keyring). */
          safe: z.boolean(),
        }),
      }),
    }),
    /** Open an http(s) link (a runbook, docs) in the system browser after the user confirms. */
    openExternal: method({
      summary: 'Open an http(s) link in the system browser (desktop only; asks first)',
      input: z
        .object({
          url: z
            .url({ protocol: /^https?$/, error: 'only http(s) links can be opened' })
            .max(2048)
            .refine(
              (u) => !/^[a-z]+:\/\/[^/?#]*@/i.test(u),
              'links with credentials are not opened',
            ),
        })
        .strict(),
      example: { url: 'https://mariadb.com/kb/en/replication/' },
      output: z.object({ opened: z.boolean() }),
      shells: ['desktop'],
    }),
  },
  events: {
    /** The process is about to stop (shutdown, update). Clients show a banner and reconnect. */
    shutdown: event({
      summary: 'Keel is shutting down',
      payload: z.object({ reason: z.string() }),
    }),
  },
});
