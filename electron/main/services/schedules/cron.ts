import { CronExpressionParser } from 'cron-parser';
import cronstrue from 'cronstrue';
import { KeelError } from '../../../../shared/errors';

/**
 * The next `count` runs of a cron expression in a time zone, or a VALIDATION error that says
 * what is wrong with it (cron-parser's own reason).
 */
export function nextRuns(cron: string, tz: string, count = 5, from = new Date()): string[] {
  try {
    const it = CronExpressionParser.parse(cron, { tz, currentDate: from });
    return it.take(count).map((d) => d.toDate().toISOString());
  } catch (e) {
    throw new KeelError(
      'VALIDATION',
      `invalid cron expression "${cron}": ${(e as Error).message}`,
      {
        issues: [{ path: ['cron'], message: (e as Error).message }],
      },
    );
  }
}

/** "At 02:00 AM" for people; the renderer words it in the user's language itself. */
export function describeCron(cron: string): string {
  try {
    return cronstrue.toString(cron, { use24HourTimeFormat: true });
  } catch {
    return cron;
  }
}
