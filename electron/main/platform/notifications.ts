import { Notification, type BrowserWindow } from 'electron';
import type { Core } from '../bootstrap';
import type { Disposable } from '../lib/disposables';
import { alertNotificationText, shouldNotify } from './notification-text';
import { openAlerts } from './tray';

/**
 * Desktop notifications for alerts that start firing (`alerts.fired`). A silenced alert is never
 * shown, even though the service should not publish one. Clicking focuses the console window on
 * the alerts page; the route is a fixed hash, never anything taken from the alert.
 */
export function notifyFiringAlerts(core: Core, showWindow: () => BrowserWindow): Disposable {
  // Kept referenced until closed: a garbage-collected Notification loses its click handler.
  const shown = new Set<Notification>();
  const sub = core.bus.subscribe('alerts.fired', (alert) => {
    if (!shouldNotify(alert) || !Notification.isSupported()) return;
    const n = new Notification({
      ...alertNotificationText(alert),
      urgency: alert.severity === 'critical' ? 'critical' : 'normal',
    });
    shown.add(n);
    n.on('click', () => openAlerts(showWindow()));
    n.on('close', () => shown.delete(n));
    n.show();
  });
  return {
    dispose() {
      sub.dispose();
      for (const n of shown) n.close();
      shown.clear();
    },
  };
}
