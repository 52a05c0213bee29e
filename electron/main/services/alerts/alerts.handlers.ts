import type { DomainHandlers } from '../../router/domain';
import type { AlertsService } from './alerts.service';

/** alerts.*: alerts, rules, silences and webhooks; the caller's name is who acted. */
export function alertsHandlers(alerts: AlertsService): DomainHandlers<'alerts'> {
  return {
    'alerts.list': (filter) => alerts.list(filter),
    'alerts.get': ({ envId, id }) => alerts.get(envId, id),
    'alerts.summary': () => alerts.summary(),
    'alerts.acknowledge': ({ envId, id, note, untilMinutes }, ctx) =>
      alerts.acknowledge(envId, id, ctx.actor.name, note, untilMinutes),
    'alerts.resolve': ({ envId, id, note }, ctx) => alerts.resolve(envId, id, ctx.actor.name, note),
    'alerts.history': ({ envId, search, since, limit }) =>
      alerts.history(envId, { search, since, limit }),
    'alerts.rules': ({ envId }) => alerts.rules(envId),
    'alerts.saveRule': (rule) => alerts.saveRule(rule),
    'alerts.removeRule': ({ envId, id }) => alerts.removeRule(envId, id),
    'alerts.previewRule': ({ rule, hours }) => alerts.previewRule(rule, hours),
    'alerts.silences': ({ envId }) => alerts.silences(envId),
    'alerts.saveSilence': (silence, ctx) => alerts.saveSilence(silence, ctx.actor.name),
    'alerts.removeSilence': ({ envId, id }) => alerts.removeSilence(envId, id),
    'alerts.webhooks': ({ envId }) => alerts.webhooks(envId),
    'alerts.saveWebhooks': ({ envId, webhooks }) => alerts.saveWebhooks(envId, webhooks),
  };
}
