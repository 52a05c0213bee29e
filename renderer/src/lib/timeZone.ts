/** Time-zone helpers over Intl: what the runtime knows, offsets, and wall-clock times in a zone. */

/** The browser's (operating system's) time zone, as an IANA name. */
export function localTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

/** Every IANA zone this runtime knows, UTC first (Chromium and Node leave UTC out of the list). */
export function allTimeZones(): string[] {
  const list =
    typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return ['UTC', ...list.filter((z) => z !== 'UTC')];
}

/** The zone's offset from UTC at an instant: `+08:00`, `-05:30`, `+00:00`. */
export function zoneOffset(tz: string, at: Date = new Date()): string {
  try {
    const name =
      new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'longOffset' })
        .formatToParts(at)
        .find((p) => p.type === 'timeZoneName')?.value ?? '';
    const m = /([+-])(\d{1,2})(?::?(\d{2}))?/.exec(name);
    if (!m) return '+00:00';
    return `${m[1]}${(m[2] ?? '0').padStart(2, '0')}:${m[3] ?? '00'}`;
  } catch {
    return '+00:00';
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** `2025-03-04 09:05` (or with seconds) as a wall clock in `tz` shows it, 24-hour. */
export function isoInZone(instant: string | Date, tz: string, seconds = false): string {
  const key = `${tz}|${seconds}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      ...(seconds && { second: '2-digit' }),
      hourCycle: 'h23',
    });
    formatters.set(key, f);
  }
  const d = typeof instant === 'string' ? new Date(instant) : instant;
  const parts = Object.fromEntries(f.formatToParts(d).map((p) => [p.type, p.value]));
  const time = `${parts['hour']}:${parts['minute']}${seconds ? `:${parts['second']}` : ''}`;
  return `${parts['year']}-${parts['month']}-${parts['day']} ${time}`;
}

/**
 * Zones matching a search: every word must appear in the name (case, "_" and "/" ignored) or in its
 * offset (`+08`, `-05:30`). An empty query matches everything.
 */
export function searchZones(
  zones: readonly string[],
  query: string,
  offsetOf: (tz: string) => string = () => '',
): string[] {
  const words = query.toLowerCase().trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...zones];
  return zones.filter((z) => {
    const hay = `${z.toLowerCase().replace(/[_/]/g, ' ')} ${z.toLowerCase()} utc${offsetOf(z)}`;
    return words.every((w) => hay.includes(w));
  });
}
