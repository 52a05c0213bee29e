import cronstrue from 'cronstrue';
// Registers the Chinese wording with cronstrue (the English one is built in).
import 'cronstrue/locales/zh_CN';

const LOCALE: Record<string, string> = { en: 'en', 'zh-CN': 'zh_CN' };

/**
 * A cron expression in words, in the UI language ("At 02:00", "在02:00"). The server's
 * `schedules.preview` answers in English only; this is the same library on this side. Undefined
 * when the expression cannot be described (the server's preview then says why).
 */
export function describeCron(cron: string, language: string): string | undefined {
  try {
    return cronstrue.toString(cron.trim(), {
      use24HourTimeFormat: true,
      locale: LOCALE[language] ?? 'en',
      throwExceptionOnParseError: true,
    });
  } catch {
    return undefined;
  }
}
