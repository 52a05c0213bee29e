import { z } from 'zod';
import { prefsPatchSchema, prefsSchema } from '../models/prefs';
import { domain, event, method } from './define';

export const prefsDomain = domain({
  methods: {
    /** The user's preferences (theme, language, probe interval...). */
    get: method({
      summary: 'Show preferences',
      input: z.object({}).strict(),
      example: {},
      output: prefsSchema,
    }),
    /** Change some preferences; the rest stay. Written atomically. */
    set: method({
      summary: 'Change preferences',
      input: prefsPatchSchema,
      example: { theme: 'dark', language: 'zh-CN' },
      output: prefsSchema,
    }),
  },
  events: {
    changed: event({ summary: 'Preferences changed', payload: prefsSchema }),
  },
});
