import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import type { FieldName, FormIssue } from './formModel';

const FORMAT_KEY: Partial<Record<FieldName, 'slug' | 'role' | 'host'>> = {
  id: 'slug',
  role: 'role',
  host: 'host',
  replicaHost: 'host',
};

/** A validation issue in the user's language; the schema's own English message is the fallback. */
export function useIssueText(): (issue: FormIssue) => string {
  const { t } = useTranslation();
  return useCallback(
    (i: FormIssue): string => {
      switch (i.code) {
        case 'keel_number':
          return t('validation.number');
        case 'keel_required':
          return t('validation.required');
        case 'keel_duplicate':
          return t('validation.duplicateId');
        case 'keel_endpoints':
          return t('validation.endpoints', { line: i.line });
        case 'too_small':
          if (i.origin === 'string')
            return i.minimum === 1
              ? t('validation.required')
              : t('validation.minLength', { n: i.minimum });
          if (i.origin === 'array') return t('validation.minItems', { n: i.minimum });
          return t('validation.min', { n: i.minimum });
        case 'too_big':
          if (i.origin === 'string') return t('validation.maxLength', { n: i.maximum });
          if (i.origin === 'array') return t('validation.maxItems', { n: i.maximum });
          return t('validation.max', { n: i.maximum });
        case 'invalid_type':
          return t('validation.number');
        case 'invalid_format': {
          const key = i.field ? FORMAT_KEY[i.field] : undefined;
          return key ? t(`validation.format.${key}`) : i.message;
        }
        default:
          return i.message;
      }
    },
    [t],
  );
}
