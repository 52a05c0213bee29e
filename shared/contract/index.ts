import type { z } from 'zod';
import type { EventSpec, MethodSpec } from './define';
import { alertsDomain } from './alerts.contract';
import { backupsDomain } from './backups.contract';
import { environmentsDomain } from './environments.contract';
import { healthDomain } from './health.contract';
import { jobsDomain } from './jobs.contract';
import { monitoringDomain } from './monitoring.contract';
import { partitionsDomain } from './partitions.contract';
import { prefsDomain } from './prefs.contract';
import { quotasDomain } from './quotas.contract';
import { schedulesDomain } from './schedules.contract';
import { systemDomain } from './system.contract';
import { tenantsDomain } from './tenants.contract';

/** Every domain Keel speaks, declared once. Adding a method here is the first step of adding it. */
export const contract = {
  system: systemDomain,
  prefs: prefsDomain,
  environments: environmentsDomain,
  health: healthDomain,
  monitoring: monitoringDomain,
  jobs: jobsDomain,
  schedules: schedulesDomain,
  tenants: tenantsDomain,
  alerts: alertsDomain,
  partitions: partitionsDomain,
  backups: backupsDomain,
  quotas: quotasDomain,
} as const;

export type Contract = typeof contract;
export type DomainName = keyof Contract & string;

type MethodsOf<D extends DomainName> = Contract[D]['methods'];
type EventsOf<D extends DomainName> = Contract[D]['events'];

/** `domain.method` for every method of the contract. */
export type MethodId = {
  [D in DomainName]: `${D}.${keyof MethodsOf<D> & string}`;
}[DomainName];

/** `domain.event` for every event topic of the contract. */
export type TopicId = {
  [D in DomainName]: `${D}.${keyof EventsOf<D> & string}`;
}[DomainName];

type SpecOfMethod<Id extends MethodId> = Id extends `${infer D extends DomainName}.${infer M}`
  ? M extends keyof MethodsOf<D>
    ? MethodsOf<D>[M]
    : never
  : never;

type SpecOfTopic<Id extends TopicId> = Id extends `${infer D extends DomainName}.${infer E}`
  ? E extends keyof EventsOf<D>
    ? EventsOf<D>[E]
    : never
  : never;

/** What a caller passes (defaults may be omitted). */
export type MethodInput<Id extends MethodId> =
  SpecOfMethod<Id> extends MethodSpec<infer I, z.ZodType> ? z.input<I> : never;
/** What a handler receives (defaults applied). */
export type MethodParsedInput<Id extends MethodId> =
  SpecOfMethod<Id> extends MethodSpec<infer I, z.ZodType> ? z.output<I> : never;
export type MethodOutput<Id extends MethodId> =
  SpecOfMethod<Id> extends MethodSpec<z.ZodType, infer O> ? z.output<O> : never;
export type TopicPayload<Id extends TopicId> =
  SpecOfTopic<Id> extends EventSpec<infer P> ? z.output<P> : never;

/** Flat views of the contract for routers and generators. */
export const methodEntries: ReadonlyArray<readonly [MethodId, MethodSpec]> = Object.entries(
  contract,
).flatMap(([d, spec]) =>
  Object.entries(spec.methods as Record<string, MethodSpec>).map(
    ([m, s]) => [`${d}.${m}` as MethodId, s] as const,
  ),
);

export const topicEntries: ReadonlyArray<readonly [TopicId, EventSpec]> = Object.entries(
  contract,
).flatMap(([d, spec]) =>
  Object.entries(spec.events as Record<string, EventSpec>).map(
    ([e, s]) => [`${d}.${e}` as TopicId, s] as const,
  ),
);

const methodMap = new Map<string, MethodSpec>(methodEntries);
const topicMap = new Map<string, EventSpec>(topicEntries);

export const getMethodSpec = (id: string): MethodSpec | undefined => methodMap.get(id);
export const getTopicSpec = (id: string): EventSpec | undefined => topicMap.get(id);

export * from './define';
