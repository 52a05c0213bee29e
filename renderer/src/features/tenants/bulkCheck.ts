import { parse as parseCsv } from 'csv-parse/browser/esm/sync';
import { parse as parseYaml } from 'yaml';
import { TIERS, type Tier } from '@shared/blueprint';
import type { TenantSummary } from '@shared/tenants';
import type { BulkFormat } from './bulkModel';
import {
  validateSpec,
  type PlanSummary,
  type SpecDraft,
  type SpecField,
  type SpecIssue,
} from './specModel';

/**
 * The bulk list checked in the renderer before it is sent, every row against every rule at
 * once — the contract's `tenantSpecSchema`, the plan / tier rule, ids repeated in the list,
 * subdomains owned by another tenant — so a list is corrected in one pass, not in rounds. The
 * server checks again (it is the authority); this is what the preview shows.
 */

/** At most this many rows (the server's limit too). */
export const BULK_MAX_ROWS = 10_000;

export interface BulkRowCheck {
  /** 1-based, as the server numbers rows. */
  row: number;
  draft: SpecDraft;
  issues: Partial<Record<SpecField, SpecIssue>>;
}

export type BulkCheck =
  | { kind: 'empty' }
  /** The text cannot be read as a list at all (syntax, missing columns, too many rows). */
  | { kind: 'unreadable'; reason: BulkUnreadable; detail?: string }
  | { kind: 'rows'; rows: BulkRowCheck[]; bad: number };

export type BulkUnreadable = 'csvSyntax' | 'csvHeader' | 'yamlSyntax' | 'yamlShape' | 'tooMany';

const str = (v: unknown): string =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';

function draftOf(r: Record<string, unknown>): SpecDraft {
  const tier = str(r['tier']);
  return {
    id: str(r['id']),
    name: str(r['name']),
    plan: str(r['plan']),
    // An unknown tier stays as typed so the schema names it (the draft type is a hint only).
    tier: (tier === '' ? 'shared' : tier) as Tier,
    subdomain: str(r['subdomain']),
    instanceConnectionId: str(r['instanceConnectionId']),
  };
}

function records(
  format: BulkFormat,
  text: string,
): Array<Record<string, unknown>> | Extract<BulkCheck, { kind: 'unreadable' }> {
  if (format === 'csv') {
    let rows: Array<Record<string, string>>;
    try {
      rows = parseCsv(text, {
        columns: (header: string[]) => header.map((h) => h.trim()),
        skip_empty_lines: true,
        trim: true,
        bom: true,
      }) as Array<Record<string, string>>;
    } catch (e) {
      return { kind: 'unreadable', reason: 'csvSyntax', detail: (e as Error).message };
    }
    const cols = rows[0] ? Object.keys(rows[0]) : [];
    const missing = ['id', 'name', 'plan'].filter((c) => !cols.includes(c));
    if (rows.length > 0 && missing.length > 0)
      return { kind: 'unreadable', reason: 'csvHeader', detail: missing.join(', ') };
    return rows;
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    return { kind: 'unreadable', reason: 'yamlSyntax', detail: (e as Error).message };
  }
  const list = Array.isArray(doc) ? doc : (doc as { tenants?: unknown } | null)?.tenants;
  if (!Array.isArray(list)) return { kind: 'unreadable', reason: 'yamlShape' };
  return list.map((r) =>
    typeof r === 'object' && r !== null ? (r as Record<string, unknown>) : {},
  );
}

export function checkBulk(
  format: BulkFormat,
  text: string,
  ctx: { plans: readonly PlanSummary[]; tenants: readonly TenantSummary[] },
): BulkCheck {
  if (text.trim() === '') return { kind: 'empty' };
  const raw = records(format, text);
  if (!Array.isArray(raw)) return raw;
  if (raw.length === 0) return { kind: 'empty' };
  if (raw.length > BULK_MAX_ROWS)
    return { kind: 'unreadable', reason: 'tooMany', detail: String(raw.length) };

  // A tenant already in the catalog may be listed again (the job skips it when it is the same);
  // a subdomain is taken only when another tenant owns it.
  const subdomainOwner = new Map<string, string>();
  for (const x of ctx.tenants) if (x.subdomain) subdomainOwner.set(x.subdomain, x.id);
  const specCtx = {
    plans: ctx.plans,
    existingIds: new Set<string>(),
    existingSubdomains: new Set<string>(),
  };
  const firstRowOfId = new Map<string, number>();
  let bad = 0;
  const rows = raw.map((r, i): BulkRowCheck => {
    const draft = draftOf(r);
    const { issues } = validateSpec(draft, specCtx);
    const id = draft.id.trim();
    const seen = firstRowOfId.get(id);
    if (id !== '' && seen !== undefined)
      issues.id ??= { field: 'id', code: 'idRepeated', message: String(seen) };
    else if (id !== '') firstRowOfId.set(id, i + 1);
    const sub = draft.subdomain.trim();
    const owner = sub === '' ? undefined : subdomainOwner.get(sub);
    if (owner !== undefined && owner !== id)
      issues.subdomain ??= { field: 'subdomain', code: 'subdomainTaken', message: owner };
    else if (sub !== '') subdomainOwner.set(sub, id);
    if (!TIERS.includes(draft.tier))
      issues.tier ??= { field: 'tier', code: 'tierNotAllowed', message: draft.tier };
    if (Object.keys(issues).length > 0) bad++;
    return { row: i + 1, draft, issues };
  });
  return { kind: 'rows', rows, bad };
}

/** Rows with problems first (what one fixes), then in list order; at most `max`. */
export function rowsForPreview(rows: readonly BulkRowCheck[], max: number): BulkRowCheck[] {
  const badFirst = [...rows].sort(
    (a, b) =>
      Number(Object.keys(a.issues).length === 0) - Number(Object.keys(b.issues).length === 0) ||
      a.row - b.row,
  );
  return badFirst.slice(0, max);
}
