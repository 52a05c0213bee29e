import { join } from 'node:path';
import type { Logger } from 'pino';
import { z } from 'zod';
import { KeelError } from '../../../../shared/errors';
import {
  environmentSchema,
  SECRET_FIELDS,
  type Connection,
  type ConnectionSecretPatch,
  type ConnectionSecret,
  type ConnectionView,
  type Environment,
  type EnvironmentView,
} from '../../../../shared/models/environment';
import type { PartitionOverrides } from '../../../../shared/partitions';
import type { EventBus } from '../../lib/event-bus';
import { JsonFile } from '../../lib/json-file';
import { SecretStore } from '../../secrets/secret-store';
import type { ClientRegistry } from '../../stores/registry';
import type { StoreClientInit } from '../../stores/types';
import { endpointChanges, secretForEndpoint } from './endpoint';
import type { EnvVarEnvironment } from './env-vars';
import { environmentFromYaml, environmentToYaml } from './yaml';

const fileSchema = z.object({ version: z.literal(1), environments: z.array(environmentSchema) });

/**
 * Environments and their connections: the profile file (`environments.json`, no secrets) plus,
 * read-only, an environment from KEEL_* variables. Secrets go to the SecretStore; clients of an
 * edited or removed connection are closed in the registry.
 */
export class EnvironmentsService {
  private readonly file: JsonFile<typeof fileSchema>;

  constructor(
    dir: string,
    private readonly secrets: SecretStore,
    private readonly registry: ClientRegistry,
    private readonly bus: EventBus,
    logger: Logger,
    private readonly fromVars: EnvVarEnvironment | undefined,
  ) {
    this.file = new JsonFile(
      join(dir, 'environments.json'),
      fileSchema,
      () => ({ version: 1 as const, environments: [] }),
      (aside, reason) => logger.warn({ aside, reason }, 'environments file was invalid; set aside'),
    );
    for (const [id, s] of fromVars?.secrets ?? []) {
      secrets.setEphemeral(SecretStore.key(fromVars!.environment.id, id), s);
    }
  }

  async list(): Promise<EnvironmentView[]> {
    const views: EnvironmentView[] = [];
    if (this.fromVars) views.push(await this.view(this.fromVars.environment, 'env-vars'));
    for (const e of (await this.file.read()).environments)
      views.push(await this.view(e, 'profile'));
    return views;
  }

  async get(envId: string): Promise<Environment> {
    if (this.fromVars?.environment.id === envId) return this.fromVars.environment;
    const env = (await this.file.read()).environments.find((e) => e.id === envId);
    if (!env) throw new KeelError('NOT_FOUND', `no environment "${envId}"`);
    return env;
  }

  async view(env: Environment, source: EnvironmentView['source']): Promise<EnvironmentView> {
    const connections: ConnectionView[] = [];
    for (const c of env.connections) {
      const secret = await this.secrets.get(SecretStore.key(env.id, c.id)).catch(() => undefined);
      const secretFields = SECRET_FIELDS.filter((f) => Boolean(secret?.[f]));
      connections.push({
        ...c,
        hasSecret: await this.secrets.has(SecretStore.key(env.id, c.id)),
        secretFields,
      });
    }
    return { ...env, connections, source };
  }

  async viewOf(envId: string): Promise<EnvironmentView> {
    return this.view(await this.get(envId), this.isFromVars(envId) ? 'env-vars' : 'profile');
  }

  /** Connection settings plus secret, for the client registry. Main-process only. */
  async resolve(envId: string, connectionId: string): Promise<StoreClientInit> {
    const env = await this.get(envId);
    const connection = env.connections.find((c) => c.id === connectionId);
    if (!connection)
      throw new KeelError('NOT_FOUND', `no connection "${connectionId}" in ${envId}`);
    return { connection, secret: await this.secrets.get(SecretStore.key(envId, connectionId)) };
  }

  async save(meta: Omit<Environment, 'connections'>): Promise<EnvironmentView> {
    this.assertWritable(meta.id);
    await this.file.update((f) => {
      const existing = f.environments.find((e) => e.id === meta.id);
      // Partition overrides have their own audited method (partitions.setOverride): kept here.
      const overrides = existing?.partitionOverrides;
      const next = {
        ...meta,
        connections: existing?.connections ?? [],
        ...(overrides && { partitionOverrides: overrides }),
      };
      return {
        ...f,
        environments: existing
          ? f.environments.map((e) => (e.id === meta.id ? next : e))
          : [...f.environments, next],
      };
    });
    this.changed(meta.id);
    return this.viewOf(meta.id);
  }

  /** Replace the environment's partition overrides (validated and audited by the caller). */
  async setPartitionOverrides(envId: string, overrides: PartitionOverrides): Promise<void> {
    this.assertWritable(envId);
    await this.get(envId);
    await this.file.update((f) => ({
      ...f,
      environments: f.environments.map((e) =>
        e.id === envId ? { ...e, partitionOverrides: overrides } : e,
      ),
    }));
    this.changed(envId);
  }

  async remove(envId: string, confirm: string): Promise<boolean> {
    this.assertWritable(envId);
    if (confirm !== envId) throw new KeelError('VALIDATION', `type "${envId}" to confirm`);
    await this.get(envId);
    await this.file.update((f) => ({
      ...f,
      environments: f.environments.filter((e) => e.id !== envId),
    }));
    await this.secrets.deletePrefix(`${envId}/`);
    await this.registry.invalidate(envId);
    this.changed(envId);
    return true;
  }

  /** Add or replace a connection; `secret` replaces the stored one, undefined keeps it. */
  async saveConnection(
    envId: string,
    connection: Connection,
    patch?: ConnectionSecretPatch,
  ): Promise<ConnectionView> {
    this.assertWritable(envId);
    const saved = (await this.get(envId)).connections.find((c) => c.id === connection.id);
    const key = SecretStore.key(envId, connection.id);
    // A changed endpoint does not inherit the stored secret (refused unless typed again or cleared).
    const { secret, reused } = secretForEndpoint(
      saved,
      await this.secrets.get(key),
      connection,
      patch,
    );
    // Store the secret first: if the keyring refuses, nothing changes.
    if (patch !== undefined || !reused) await this.secrets.set(key, secret);
    await this.file.update((f) => ({
      ...f,
      environments: f.environments.map((e) =>
        e.id !== envId
          ? e
          : {
              ...e,
              connections: e.connections.some((c) => c.id === connection.id)
                ? e.connections.map((c) => (c.id === connection.id ? connection : c))
                : [...e.connections, connection],
            },
      ),
    }));
    await this.registry.invalidate(envId, connection.id);
    this.changed(envId);
    const view = (await this.viewOf(envId)).connections.find((c) => c.id === connection.id);
    if (!view) throw new KeelError('INTERNAL', 'saved connection not found');
    return view;
  }

  async removeConnection(envId: string, connectionId: string): Promise<boolean> {
    this.assertWritable(envId);
    const env = await this.get(envId);
    if (!env.connections.some((c) => c.id === connectionId)) {
      throw new KeelError('NOT_FOUND', `no connection "${connectionId}" in ${envId}`);
    }
    await this.file.update((f) => ({
      ...f,
      environments: f.environments.map((e) =>
        e.id === envId
          ? { ...e, connections: e.connections.filter((c) => c.id !== connectionId) }
          : e,
      ),
    }));
    await this.secrets.delete(SecretStore.key(envId, connectionId));
    await this.registry.invalidate(envId, connectionId);
    this.changed(envId);
    return true;
  }

  /**
   * The secret for testing unsaved settings: the saved connection's stored secret, patched, while
   * the endpoint is unchanged; with another endpoint only what was typed (see secretForEndpoint).
   */
  async secretForTest(
    envId: string,
    connection: Connection,
    patch: ConnectionSecretPatch | undefined,
  ): Promise<ConnectionSecret> {
    const env = await this.get(envId).catch(() => undefined);
    const saved = env?.connections.find((c) => c.id === connection.id);
    const stored = saved
      ? await this.secrets.get(SecretStore.key(envId, connection.id)).catch(() => undefined)
      : undefined;
    return secretForEndpoint(saved, stored, connection, patch).secret;
  }

  async exportYaml(
    envId: string,
    passphrase?: string,
  ): Promise<{ yaml: string; secretsIncluded: boolean }> {
    const env = await this.get(envId);
    const secrets = new Map<string, ConnectionSecret>();
    if (passphrase !== undefined) {
      for (const c of env.connections) {
        const s = await this.secrets.get(SecretStore.key(envId, c.id));
        if (s) secrets.set(c.id, s);
      }
    }
    return {
      yaml: await environmentToYaml(env, secrets, passphrase),
      secretsIncluded: secrets.size > 0,
    };
  }

  async importYaml(
    text: string,
    passphrase: string | undefined,
    replace: boolean,
  ): Promise<EnvironmentView> {
    const { environment, secrets } = await environmentFromYaml(text, passphrase);
    this.assertWritable(environment.id);
    const previous = (await this.file.read()).environments.find((e) => e.id === environment.id);
    const exists = previous !== undefined;
    if (exists && !replace) {
      throw new KeelError(
        'CONFLICT',
        `environment "${environment.id}" exists; import with replace to overwrite it`,
      );
    }
    // Secrets first (they may be refused), then the profile; old secrets of dropped connections go.
    for (const [id, s] of secrets) await this.secrets.set(SecretStore.key(environment.id, id), s);
    await this.file.update((f) => ({
      ...f,
      environments: [...f.environments.filter((e) => e.id !== environment.id), environment],
    }));
    // A stored secret stays only with a connection whose endpoint the file left as it was: one
    // moved elsewhere (or dropped, or new over an old key) without a secret in the file loses it.
    for (const c of previous?.connections ?? []) {
      const next = environment.connections.find((n) => n.id === c.id);
      if (!next || (!secrets.has(c.id) && endpointChanges(c, next).length > 0))
        await this.secrets.delete(SecretStore.key(environment.id, c.id));
    }
    for (const c of environment.connections)
      if (!secrets.has(c.id) && !previous?.connections.some((p) => p.id === c.id))
        await this.secrets.delete(SecretStore.key(environment.id, c.id));
    await this.registry.invalidate(environment.id);
    this.changed(environment.id);
    return this.viewOf(environment.id);
  }

  private isFromVars(envId: string): boolean {
    return this.fromVars?.environment.id === envId;
  }

  private assertWritable(envId: string): void {
    if (this.isFromVars(envId)) {
      throw new KeelError(
        'PRECONDITION_FAILED',
        `environment "${envId}" comes from KEEL_* variables and is read-only here`,
      );
    }
  }

  private changed(envId: string): void {
    this.bus.publish('environments.changed', { envId });
  }
}
