import { z } from 'zod';

/** The languages of the UI. */
export const LANGUAGES = ['en', 'zh-CN'] as const;
export const languageSchema = z.enum(LANGUAGES);
export type Language = z.infer<typeof languageSchema>;

/** The preference: a language, or follow the operating system's. */
export const languagePrefSchema = z.enum(['system', ...LANGUAGES]);
export type LanguagePref = z.infer<typeof languagePrefSchema>;

export const themeSchema = z.enum(['system', 'light', 'dark']);
export type Theme = z.infer<typeof themeSchema>;

export const prefsSchema = z.object({
  theme: themeSchema.default('system'),
  language: languagePrefSchema.default('system'),
  /** Environment shown when the console opens. */
  activeEnvironment: z.string().max(63).optional(),
  /** Health probe interval. */
  probeIntervalMs: z.int().min(1000).max(600_000).default(10_000),
  /** Linux without a keyring: the user accepted storing secrets with the weak `basic_text` backend. */
  allowWeakSecretStorage: z.boolean().default(false),
});
export type Prefs = z.infer<typeof prefsSchema>;

const probeIntervalSchema = z.int().min(1000).max(600_000);

/**
 * A change to some preferences. Written out rather than `prefsSchema.partial()`: zod still fills
 * `.default()`s inside a partial, so a patch of the theme would reset the language.
 */
export const prefsPatchSchema = z
  .object({
    theme: themeSchema.optional(),
    language: languagePrefSchema.optional(),
    activeEnvironment: z.string().max(63).optional(),
    probeIntervalMs: probeIntervalSchema.optional(),
    allowWeakSecretStorage: z.boolean().optional(),
  })
  .strict();
export type PrefsPatch = z.infer<typeof prefsPatchSchema>;
