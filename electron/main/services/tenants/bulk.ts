import { parse as parseCsv } from 'csv-parse/sync';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { KeelError } from '../../../../shared/errors';
import { tenantSpecSchema, type TenantSpec } from '../../../../shared/tenants';

const MAX_ROWS = 10_000;

/**
 * A bulk provisioning list: CSV with a header (id,name,plan,tier[,subdomain][,instanceConnectionId])
 * or YAML (a list of specs). Every row is checked; any bad row refuses the whole list, naming
 * each bad row, so nothing is half-provisioned because of a typo on line 812.
 */
export function parseBulk(format: 'csv' | 'yaml', text: string): TenantSpec[] {
  let raw: unknown[];
  if (format === 'csv') {
    let records: Array<Record<string, string>>;
    try {
      records = parseCsv(text, {
        columns: (header: string[]) => header.map((h) => h.trim()),
        skip_empty_lines: true,
        trim: true,
        bom: true,
      });
    } catch (e) {
      throw new KeelError('VALIDATION', `the CSV cannot be read: ${(e as Error).message}`);
    }
    const cols = records[0] ? Object.keys(records[0]) : [];
    const missing = ['id', 'name', 'plan'].filter((c) => !cols.includes(c));
    if (records.length > 0 && missing.length > 0) {
      throw new KeelError(
        'VALIDATION',
        `the CSV header lacks ${missing.join(', ')} (expected id,name,plan,tier[,subdomain])`,
      );
    }
    raw = records.map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== '')));
  } else {
    let doc: unknown;
    try {
      doc = parseYaml(text);
    } catch (e) {
      throw new KeelError('VALIDATION', `the YAML cannot be read: ${(e as Error).message}`);
    }
    const list = Array.isArray(doc) ? doc : (doc as { tenants?: unknown })?.tenants;
    if (!Array.isArray(list)) {
      throw new KeelError(
        'VALIDATION',
        'the YAML must be a list of tenants (or have a "tenants" list)',
      );
    }
    raw = list;
  }
  if (raw.length === 0) throw new KeelError('VALIDATION', 'the list has no tenants');
  if (raw.length > MAX_ROWS) {
    throw new KeelError(
      'VALIDATION',
      `the list has ${raw.length} tenants; at most ${MAX_ROWS} at a time`,
    );
  }
  const problems: string[] = [];
  const specs: TenantSpec[] = [];
  const seen = new Map<string, number>();
  raw.forEach((r, i) => {
    const parsed = tenantSpecSchema.safeParse(r);
    if (!parsed.success) {
      problems.push(`row ${i + 1}: ${z.prettifyError(parsed.error).replaceAll('\n', ' ')}`);
      return;
    }
    const first = seen.get(parsed.data.id);
    if (first !== undefined) {
      problems.push(`row ${i + 1}: id ${parsed.data.id} is also on row ${first}`);
      return;
    }
    seen.set(parsed.data.id, i + 1);
    specs.push(parsed.data);
  });
  if (problems.length > 0) {
    throw new KeelError(
      'VALIDATION',
      `${problems.length} row(s) refused, nothing was provisioned: ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? '; …' : ''}`,
      { rows: problems },
    );
  }
  return specs;
}
