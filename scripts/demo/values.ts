// Values for any blueprint column, chosen from its type first and its name second: codes that
// stay unique per tenant, emails and phones that look like them, choices from the column's
// COMMENT, dates around the row's creation time. A column the demo knows nothing about still
// gets a value of the right type and length, so a new blueprint table seeds without changes here.
import { randomUUID } from 'node:crypto';
import { learnedOptions, type Column, type TableShape } from './columns';
import type { Rng } from './random';

export interface RowContext {
  tenantId: string;
  /** The row's primary key (ids are made up front so other tables can point at them). */
  id: string;
  /** Row number within the tenant and table: makes codes unique (CUSTOMER-000012). */
  index: number;
  /** When the row was created (the partition column). */
  at: Date;
  /** Ids of the tenant's rows in another table, for columns that point at it. */
  idsOf(table: string): readonly string[];
}

/** Values for columns whose name says what they hold and whose comment does not. */
// prettier-ignore
const HINTS: Record<string, readonly string[]> = {
  model: ['gpt-4o-mini', 'qwen-max', 'deepseek-chat', 'glm-4', 'doubao-pro-32k', 'moonshot-v1-8k'],
  embedding_model: ['text-embedding-3-small', 'bge-m3', 'm3e-base'],
  channel: ['app', 'web', 'wechat', 'miniprogram', 'h5', 'douyin'],
  category: ['consulting', 'training', 'home_care', 'repair', 'check_up', 'beauty'],
  source: ['wechat', 'web_form', 'referral', 'import', 'douyin', 'offline_event'],
  customer_level: ['normal', 'normal', 'normal', 'silver', 'gold', 'vip'],
  metric_type: ['blood_pressure', 'glucose', 'heart_rate', 'weight', 'spo2'],
  metric_name: ['qps', 'latency_p95_ms', 'error_rate', 'tokens_per_min'],
  unit: ['mmHg', 'mmol/L', 'bpm', 'kg', '%'],
  action: ['login', 'create', 'update', 'delete', 'export', 'invite_user', 'reset_password'],
  resource_type: ['user', 'agent', 'order', 'customer', 'knowledge_base', 'report'],
  rule_code: ['bp_high', 'glucose_high', 'hr_irregular', 'device_offline'],
  tag_name: ['高价值', '新客', '沉睡客户', '复购', 'VIP', 'at risk', 'promo lover', '待回访'],
  firmware_version: ['1.2.0', '1.3.4', '2.0.1', '2.1.0-beta'],
  error_code: ['RATE_LIMITED', 'UPSTREAM_TIMEOUT', 'CONTENT_FILTERED', 'INVALID_TOKEN'],
  'wework_callback_logs.event_type': ['change_external_contact', 'change_contact', 'msg_audit_notify', 'change_external_chat'],
  change_type: ['add_external_contact', 'edit_external_contact', 'del_follow_user', 'add_half_external_contact'],
  'wework_accounts.status': ['online', 'online', 'online', 'offline', 'logged_in', 'banned'],
};
// prettier-ignore
const PEOPLE = ['王芳', '李娜', '张伟', '刘洋', '陈静', '杨磊', '赵敏', '黄婷', '周杰', '吴昊', '徐丽', '孙强', 'Emma Li', 'Jack Chen', 'Olivia Wang', 'Liam Zhang', 'Sophia Liu', 'Noah Huang', 'Mia Zhao', 'Lucas Wu'];
// prettier-ignore
const THINGS: Record<string, readonly string[]> = {
  agent: ['智能客服', '销售助手', 'Order Bot', '知识问答', 'Onboarding Copilot', '售后回访', 'Lead Qualifier'],
  knowledge: ['产品手册', '常见问题', '售后政策', 'Pricing Playbook', '员工培训', 'API Docs'],
  service: ['上门保洁', '深度体检', '私教课', 'Dental Cleaning', 'Home Repair', '营养咨询', 'Yoga Class'],
};
// prettier-ignore
const TEXT = ['收缩压连续 3 次高于 140 mmHg', 'Glucose above 11.1 mmol/L after meal', '设备 24 小时未上传数据', 'Customer asked for an invoice', '老客户, 偏好周末上门', 'Follow up next week'];
// prettier-ignore
const AGENTS = ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) MicroMessenger/8.0.47', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/124.0', 'okhttp/4.12.0', 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) Safari/605.1.15'];

const DAY = 86_400_000;
const pad = (n: number, w: number): string => String(n).padStart(w, '0');

/** customer_code → CUSTOMER, wework_user_id → WU: the prefix of generated codes. */
function codePrefix(column: string): string {
  const stem = column.replace(/_(code|no|sn|id)$/, '');
  const words = stem.split('_');
  return (words.length > 1 ? words.map((w) => w[0]).join('') : stem).toUpperCase().slice(0, 8);
}

/** 'YYYY-MM-DD HH:MM:SS.mmm' in UTC, as DATETIME(3) takes it. */
export const sqlTime = (d: Date): string => d.toISOString().slice(0, 23).replace('T', ' ');
const sqlDate = (d: Date): string => d.toISOString().slice(0, 10);

export class RowMaker {
  private readonly learned: Map<string, string[]>;

  constructor(
    shapes: TableShape[],
    private readonly rng: Rng,
  ) {
    this.learned = learnedOptions(shapes);
  }

  /** One row, values in `shape.columns` order. */
  row(shape: TableShape, ctx: RowContext): unknown[] {
    return shape.columns.map((c) => this.value(shape, c, ctx));
  }

  private value(shape: TableShape, c: Column, ctx: RowContext): unknown {
    const { rng } = this;
    if (c.name === shape.tenantColumn) return ctx.tenantId;
    if (c.name === 'id') return ctx.id;
    if (c.name === shape.partitionColumn || c.name === 'created_at') return sqlTime(ctx.at);
    const ref = shape.refs.get(c.name);
    if (ref) {
      const ids = ctx.idsOf(ref);
      if (c.nullable && rng.chance(0.1)) return null;
      return ids.length ? rng.pick(ids) : randomUUID();
    }
    if (shape.uniqueColumns.has(c.name)) return this.unique(c, ctx);
    const quiet = /error/.test(c.name) ? 0.85 : 0.12;
    if (c.nullable && rng.chance(quiet)) return null;
    switch (c.type) {
      case 'VARCHAR':
      case 'CHAR':
      case 'ENUM':
      case 'SET':
        return this.text(shape, c, ctx).slice(0, c.length || 255);
      case 'TEXT':
      case 'MEDIUMTEXT':
      case 'LONGTEXT':
        return rng.pick(TEXT);
      case 'JSON':
        return '{}';
      case 'DATETIME':
      case 'TIMESTAMP':
        return sqlTime(this.after(ctx.at, c.onUpdate ? 3 * DAY : 2 * 3_600_000));
      case 'DATE':
        return /birth/.test(c.name)
          ? sqlDate(new Date(Date.UTC(rng.int(1950, 2005), rng.int(0, 11), rng.int(1, 28))))
          : sqlDate(ctx.at);
      case 'DECIMAL':
        return this.decimal(c);
      default:
        return this.integer(c);
    }
  }

  /** A value no other row of the tenant has in this column. */
  private unique(c: Column, ctx: RowContext): string {
    const n = ctx.index + 1;
    if (!c.length) return sqlDate(new Date(Date.now() - ctx.index * DAY));
    if (/email/.test(c.name)) return `user${n}@${ctx.tenantId.replaceAll('_', '-')}.example.com`;
    if (/username/.test(c.name)) return `user${pad(n, 3)}`;
    const abbr = codePrefix(c.name);
    return `${abbr}-${pad(n, 6)}`.slice(-c.length);
  }

  private text(shape: TableShape, c: Column, ctx: RowContext): string {
    const { rng } = this;
    const options =
      (c.options.length ? c.options : undefined) ??
      HINTS[`${shape.name}.${c.name}`] ??
      HINTS[c.name];
    if (options) {
      // The column's default is the common case (status 'active', result 'success').
      return c.defaultText && options.includes(c.defaultText) && rng.chance(0.6)
        ? c.defaultText
        : rng.pick(options);
    }
    if (c.defaultText !== undefined) return c.defaultText;
    const learned = this.learned.get(c.name);
    if (learned) return rng.pick(learned);
    const name = c.name;
    if (/email/.test(name))
      return `${rng.pick(['info', 'sales', 'hr', 'ops'])}${rng.int(1, 99)}@example.com`;
    if (/phone|mobile/.test(name))
      return `1${rng.pick([3, 5, 7, 8, 9])}${pad(rng.int(0, 999_999_999), 9)}`;
    if (/password/.test(name)) return `$2b$10$${rng.hex(53)}`;
    if (/ip_address|^ip$/.test(name))
      return `10.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
    if (/user_agent/.test(name)) return rng.pick(AGENTS);
    if (/corp_id/.test(name)) return `ww${Buffer.from(ctx.tenantId).toString('hex').slice(0, 16)}`;
    if (/(^|_)name$|nickname/.test(name)) {
      const kind = Object.keys(THINGS).find(
        (k) => shape.name.includes(k) && !/provider/.test(shape.name),
      );
      return kind ? `${rng.pick(THINGS[kind] ?? [])} ${rng.int(1, 9)}` : rng.pick(PEOPLE);
    }
    if (/message|remark|comment|description/.test(name)) return rng.pick(TEXT);
    if (/_id$/.test(name)) return `${name.slice(0, 2)}_${rng.hex(16)}`;
    return `${name}_${rng.int(1, 999)}`;
  }

  private decimal(c: Column): number {
    const { rng } = this;
    const cap = 10 ** (c.precision - c.scale) - 1;
    const [lo, hi] = /rate|ratio|share/.test(c.name)
      ? [0, 1]
      : /cost/.test(c.name)
        ? [0.0001, 0.4]
        : /amount|price|spent|total/.test(c.name)
          ? [9.9, 2999]
          : /value/.test(c.name)
            ? [40, 180]
            : [0, 1000];
    const v = Math.min(cap, lo + rng.next() * (hi - lo));
    return Number(v.toFixed(c.scale));
  }

  private integer(c: Column): number {
    const { rng } = this;
    if (c.codes.length >= 2) return rng.pick(c.codes);
    const n = c.name;
    if (c.type === 'TINYINT') {
      if (/score/.test(n)) return rng.int(55, 100);
      if (/count|retry/.test(n)) return rng.int(0, 3);
      return rng.chance(0.9) ? 1 : 0;
    }
    if (/size_bytes/.test(n)) return rng.int(100_000, 500_000_000);
    if (/tokens/.test(n)) return c.type === 'BIGINT' ? rng.int(1_000, 400_000) : rng.int(40, 4_000);
    if (/latency/.test(n)) return rng.int(80, 3_000);
    if (/minutes/.test(n)) return rng.pick([30, 45, 60, 90, 120]);
    if (/api_calls/.test(n)) return rng.int(10, 2_000);
    if (/storage/.test(n)) return rng.int(1, 500);
    if (/count|slots/.test(n)) return rng.int(0, 50);
    return c.type === 'BIGINT' ? rng.int(0, 100_000) : rng.int(0, 1_000);
  }

  /** A moment up to `spanMs` after `from`, never in the future. */
  private after(from: Date, spanMs: number): Date {
    return new Date(Math.min(Date.now(), from.getTime() + this.rng.next() * spanMs));
  }
}
