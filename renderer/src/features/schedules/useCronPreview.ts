import { useEffect, useState } from 'react';
import type { KeelError } from '@shared/errors';
import { cronSchema, timeZoneSchema } from '@shared/schedules';
import { api } from '../../api/client';
import { serverIssues, toKeelError } from '../../lib/errors';

/** Keystrokes are let settle this long before the server is asked. */
export const PREVIEW_DEBOUNCE_MS = 250;

export type CronPreview =
  /** Waiting for the server; `previous` is the last answer, shown dimmed meanwhile. */
  | { status: 'pending'; previous?: CronPreview | undefined }
  /** `tz`: the zone the runs were computed for (the field may have moved on). */
  | { status: 'ok'; next: string[]; description: string; tz: string }
  /** `local`: the shape is wrong (not 5 or 6 fields), found without asking; else the reason. */
  | { status: 'invalid'; reason: string; local: boolean }
  /** The preview itself failed (Keel unreachable…): nothing is known about the expression. */
  | { status: 'unavailable'; error: KeelError };

/** The server's reason for refusing an expression: the cron issue's message, else the error's. */
export function reasonOf(e: KeelError): string {
  return serverIssues(e).find((i) => i.path[0] === 'cron')?.message ?? e.message;
}

/**
 * The next runs of `cron` in `tz` from `schedules.preview`, asked once typing pauses. Answers to
 * older expressions are dropped.
 */
export function useCronPreview(cron: string, tz: string, count = 5): CronPreview {
  const key = `${cron}\n${tz}\n${count}`;
  const shape = cronSchema.safeParse(cron);
  const tzOk = timeZoneSchema.safeParse(tz).success;
  const [answer, setAnswer] = useState<{ key: string; result: CronPreview } | undefined>();

  const ask = shape.success && tzOk;
  useEffect(() => {
    if (!ask) return;
    let live = true;
    const timer = setTimeout(() => {
      api()
        .call('schedules.preview', { cron, tz, count })
        .then(
          (r): CronPreview => ({ status: 'ok', next: r.next, description: r.description, tz }),
          (e: unknown): CronPreview => {
            const ke = toKeelError(e);
            return ke.code === 'VALIDATION'
              ? { status: 'invalid', reason: reasonOf(ke), local: false }
              : { status: 'unavailable', error: ke };
          },
        )
        .then((result) => {
          if (live) setAnswer({ key, result });
        });
    }, PREVIEW_DEBOUNCE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [ask, key, cron, tz, count]);

  if (!shape.success) {
    // A wrong number of fields gets the form's own help text; a field out of range or a bad step
    // gets the schema's reason, which names the field (as the server's would).
    const fields = cron.trim().split(/\s+/).length;
    const local = cron.trim().length < 9 || ![5, 6].includes(fields);
    return { status: 'invalid', reason: shape.error.issues[0]?.message ?? '', local };
  }
  if (answer?.key === key) return answer.result;
  return { status: 'pending', previous: answer?.result };
}
