import type { Alert } from '../../../shared/alerts';

/** Kept apart from notifications.ts (which imports electron) so it is testable with plain Node. */
const SEVERITY_WORD: Record<Alert['severity'], string> = {
  critical: 'Critical',
  warning: 'Warning',
  info: 'Info',
};

/** Title and body of the desktop notification of a firing alert (pure, for tests). */
export function alertNotificationText(a: Alert): { title: string; body: string } {
  const where = a.labels['connection'] ? ` · ${a.labels['connection']}` : '';
  return {
    title: `${SEVERITY_WORD[a.severity]}: ${a.ruleName}${where}`,
    body: a.summary.length > 240 ? `${a.summary.slice(0, 239)}…` : a.summary,
  };
}

/** Only alerts that fire now and are not silenced (by a silence or maintenance window) notify. */
export const shouldNotify = (a: Pick<Alert, 'silenced' | 'state'>): boolean =>
  !a.silenced && a.state === 'firing';
