import { parse, stringify } from 'yaml';
import { z } from 'zod';
import { KeelError } from '../../../../shared/errors';
import {
  blueprintNameSchema,
  connectionSecretSchema,
  environmentSchema,
  type ConnectionSecret,
  type Environment,
} from '../../../../shared/models/environment';
import { openWithPassphrase, sealWithPassphrase } from '../../secrets/cipher';

const FORMAT = 'environment/v1';

const documentSchema = environmentSchema.extend({
  keel: z.literal(FORMAT, { error: `not a Keel environment file (expected "keel: ${FORMAT}")` }),
  blueprint: blueprintNameSchema.default('default'),
  /** Secrets sealed with the exporter's passphrase (scrypt + AES-256-GCM); absent when excluded. */
  secrets: z.object({ sealed: z.string() }).optional(),
});

const secretMapSchema = z.record(z.string(), connectionSecretSchema.strict());

/** Config-as-code: an environment as YAML, secrets left out or sealed with a passphrase. */
export async function environmentToYaml(
  env: Environment,
  secrets: Map<string, ConnectionSecret>,
  passphrase?: string,
): Promise<string> {
  const doc: Record<string, unknown> = { keel: FORMAT, ...env };
  if (passphrase !== undefined && secrets.size > 0) {
    doc.secrets = {
      sealed: await sealWithPassphrase(passphrase, JSON.stringify(Object.fromEntries(secrets))),
    };
  }
  return stringify(doc, { lineWidth: 0 });
}

export async function environmentFromYaml(
  text: string,
  passphrase?: string,
): Promise<{ environment: Environment; secrets: Map<string, ConnectionSecret> }> {
  let raw: unknown;
  try {
    raw = parse(text, { maxAliasCount: 50 });
  } catch (e) {
    throw new KeelError('VALIDATION', `not valid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  const r = documentSchema.safeParse(raw);
  if (!r.success) {
    throw new KeelError('VALIDATION', 'the environment file does not match the format', {
      issues: r.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })),
    });
  }
  const { keel: _format, secrets: sealed, ...environment } = r.data;
  const ids = new Set<string>();
  for (const c of environment.connections) {
    if (ids.has(c.id)) throw new KeelError('VALIDATION', `connection id ${c.id} appears twice`);
    ids.add(c.id);
  }
  if (!sealed) return { environment, secrets: new Map() };
  if (passphrase === undefined) {
    throw new KeelError(
      'PRECONDITION_FAILED',
      'this file holds encrypted secrets: give the passphrase',
    );
  }
  const map = secretMapSchema.safeParse(
    JSON.parse(await openWithPassphrase(passphrase, sealed.sealed)),
  );
  if (!map.success) throw new KeelError('VALIDATION', 'the sealed secrets are malformed');
  return { environment, secrets: new Map(Object.entries(map.data).filter(([id]) => ids.has(id))) };
}
