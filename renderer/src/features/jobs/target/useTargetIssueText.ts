import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../../lib/useFormat';
import type { TargetIssue } from './targetModel';

/** A target (or schedule) issue in the user's language; the schema's English is the fallback. */
export function useTargetIssueText(): (
  i: Omit<TargetIssue, 'field'> & { field?: string },
) => string {
  const { t } = useTranslation();
  const fmt = useFormat();
  return useCallback(
    (i) => {
      const seconds = i.field === 'duration' || i.field === 'interval';
      switch (i.code) {
        case 'keel_required':
          return t('validation.required');
        case 'keel_number':
          return t('jobs.target.wholeNumber');
        case 'keel_interval_longer':
          return t('jobs.target.intervalLonger');
        case 'keel_duplicate':
          return t('schedules.idInUse');
        case 'too_small':
          if (i.minimum === undefined) return i.message;
          return seconds
            ? t('jobs.target.atLeast', { time: fmt.duration(i.minimum) })
            : t('validation.minLength', { n: i.minimum });
        case 'too_big':
          if (i.maximum === undefined) return i.message;
          return seconds
            ? t('jobs.target.atMost', { time: fmt.duration(i.maximum) })
            : t('validation.maxLength', { n: i.maximum });
        case 'invalid_format':
          return t('validation.format.slug');
        default:
          return i.message;
      }
    },
    [t, fmt],
  );
}
