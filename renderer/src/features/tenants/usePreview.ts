import { useEffect, useState } from 'react';
import type { KeelError } from '@shared/errors';
import type { ProvisionPlan, TenantSpec } from '@shared/tenants';
import { toKeelError } from '../../lib/errors';
import type { TenantActions } from './useTenants';

/** Keystrokes are let settle this long before the server is asked. */
export const PREVIEW_DEBOUNCE_MS = 300;

export type PlanPreview =
  /** The spec is not valid yet: nothing to ask. */
  | { status: 'idle' }
  /** Waiting for the server; `previous` is the last plan, shown dimmed meanwhile. */
  | { status: 'pending'; previous: ProvisionPlan | undefined }
  | { status: 'ok'; plan: ProvisionPlan }
  | { status: 'error'; error: KeelError };

type Answer = { key: string; result: { plan: ProvisionPlan } | { error: KeelError } };

/**
 * What provisioning `spec` would create (`tenants.preview`), asked once typing pauses. Answers to
 * older specs are dropped.
 */
export function usePreview(
  preview: TenantActions['preview'],
  spec: TenantSpec | undefined,
): PlanPreview {
  // The spec is rebuilt on every render: its JSON is what identifies it.
  const key = spec ? JSON.stringify(spec) : '';
  const [answer, setAnswer] = useState<Answer | undefined>();

  useEffect(() => {
    if (key === '') return;
    let live = true;
    const timer = setTimeout(() => {
      preview(JSON.parse(key) as TenantSpec).then(
        (plan) => live && setAnswer({ key, result: { plan } }),
        (e: unknown) => live && setAnswer({ key, result: { error: toKeelError(e) } }),
      );
    }, PREVIEW_DEBOUNCE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [key, preview]);

  if (key === '') return { status: 'idle' };
  if (answer?.key === key)
    return 'plan' in answer.result
      ? { status: 'ok', plan: answer.result.plan }
      : { status: 'error', error: answer.result.error };
  return {
    status: 'pending',
    previous: answer && 'plan' in answer.result ? answer.result.plan : undefined,
  };
}
