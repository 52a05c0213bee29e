import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import {
  agoParts,
  durationParts,
  isoLocal,
  relativeParts,
  roundLatency,
  timeLocal,
} from './format';

/** Formatters bound to the current language. */
export function useFormat() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  return useMemo(() => {
    const num = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });
    const rel = new Intl.RelativeTimeFormat(lang, { numeric: 'auto' });
    const duration = (sec: number): string =>
      durationParts(sec)
        .map(([unit, n]) => t(`units.${unit}`, { n }))
        .join(' ');
    return {
      number: (n: number): string => num.format(n),
      latency: (ms: number): string => t('units.ms', { n: num.format(roundLatency(ms)) }),
      duration,
      durationMs: (ms: number): string =>
        ms < 1000 ? t('units.ms', { n: Math.round(ms) }) : duration(ms / 1000),
      dateTime: (iso: string): string => isoLocal(new Date(iso)),
      time: (iso: string): string => timeLocal(new Date(iso)),
      relative: (iso: string, nowMs = Date.now()): string => {
        const [n, unit] = relativeParts(Date.parse(iso), nowMs);
        return rel.format(n, unit);
      },
      /** Like `relative`, for what has happened already: a time ahead of `nowMs` reads "now". */
      ago: (iso: string, nowMs = Date.now()): string => {
        const [n, unit] = agoParts(Date.parse(iso), nowMs);
        return rel.format(n, unit);
      },
    };
  }, [t, lang]);
}
