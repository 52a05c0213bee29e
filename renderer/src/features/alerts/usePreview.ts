import { useEffect, useState } from 'react';
import type { AlertRule, RulePreview } from '@shared/alerts';
import type { KeelError } from '@shared/errors';
import { api } from '../../api/client';
import { toKeelError } from '../../lib/errors';
import { useDebounced } from '../../lib/useDebounced';

const DEBOUNCE_MS = 600;

export interface PreviewState {
  preview: RulePreview | undefined;
  error: KeelError | undefined;
  loading: boolean;
}

/**
 * How the rule being edited would have fired over the last 24 h: asked again once the (valid)
 * rule has stayed the same for a moment; answers for an older rule are dropped.
 */
export function useRulePreview(rule: AlertRule | undefined, hours = 24): PreviewState {
  const key = rule ? JSON.stringify(rule) : undefined;
  const settled = useDebounced(key, DEBOUNCE_MS);
  const [state, setState] = useState<PreviewState & { key?: string }>({
    preview: undefined,
    error: undefined,
    loading: false,
  });

  useEffect(() => {
    if (settled === undefined) return;
    let live = true;
    const r = JSON.parse(settled) as AlertRule;
    api()
      .call('alerts.previewRule', { rule: r, hours })
      .then(
        (preview) => live && setState({ key: settled, preview, error: undefined, loading: false }),
        (e: unknown) =>
          live &&
          setState((s) => ({
            key: settled,
            preview: s.preview,
            error: toKeelError(e),
            loading: false,
          })),
      );
    return () => {
      live = false;
    };
  }, [settled, hours]);

  return {
    preview: state.preview,
    error: state.key === settled ? state.error : undefined,
    loading: key !== undefined && state.key !== key,
  };
}
