// The demo's 200 tenants: Chinese and English company names, ids like t001_yunfan, a plan mix
// that looks like a real book of business, and the few suspended or leaving ones. Deterministic:
// the same roster on every run (and the env vars of its dedicated instances are known up front).
import { stringify } from 'yaml';
import type { TenantSpecInput } from '../../shared/tenants';
import { makeRng } from './random';

export type DemoStatus = 'active' | 'suspended' | 'pending_deletion';

export interface DemoTenant {
  spec: TenantSpecInput & { tier: NonNullable<TenantSpecInput['tier']> };
  /** The status the demo gives it after provisioning, and why. */
  status: DemoStatus;
  reason?: string;
}

/** Plans and how many tenants each gets (enterprise may not be shared in the default blueprint). */
const PLAN_MIX = { free: 80, basic: 60, pro: 47, enterprise: 13 } as const;
/** Enterprise tenants with a MySQL connection of their own (role tenant:<id>); the rest get a schema. */
const DEDICATED_INSTANCES = 2;
const SUSPENDED = 12;
const LEAVING = 5;

// prettier-ignore
const CITIES = ['杭州', '上海', '深圳', '北京', '广州', '成都', '南京', '苏州', '武汉', '西安', '厦门', '青岛', '重庆', '长沙', '宁波', '合肥'];
// prettier-ignore
const CN_BRANDS: Array<[string, string]> = [
  ['云帆', 'yunfan'], ['星河', 'xinghe'], ['智联', 'zhilian'], ['启明', 'qiming'], ['华信', 'huaxin'],
  ['锦程', 'jincheng'], ['明德', 'mingde'], ['嘉禾', 'jiahe'], ['远航', 'yuanhang'], ['蓝海', 'lanhai'],
  ['青松', 'qingsong'], ['恒泰', 'hengtai'], ['瑞丰', 'ruifeng'], ['鼎盛', 'dingsheng'], ['新程', 'xincheng'],
  ['博睿', 'borui'], ['优品', 'youpin'], ['和信', 'hexin'], ['金桥', 'jinqiao'], ['汇通', 'huitong'],
  ['天成', 'tiancheng'], ['安康', 'ankang'], ['悦享', 'yuexiang'], ['易达', 'yida'], ['聚力', 'juli'],
  ['同创', 'tongchuang'], ['万象', 'wanxiang'], ['晨光', 'chenguang'], ['润和', 'runhe'], ['宏图', 'hongtu'],
  ['思源', 'siyuan'], ['长青', 'changqing'], ['凯越', 'kaiyue'], ['众合', 'zhonghe'], ['微澜', 'weilan'],
  ['数智', 'shuzhi'], ['禾苗', 'hemiao'], ['乐途', 'letu'], ['康宁', 'kangning'], ['鹏程', 'pengcheng'],
];
// prettier-ignore
const CN_TRADES = ['科技', '网络科技', '信息技术', '健康管理', '教育科技', '贸易', '餐饮管理', '医疗科技', '文化传媒', '电子商务', '企业咨询', '物业服务'];
// prettier-ignore
const EN_BRANDS = [
  'Northwind', 'Bluebird', 'Silverline', 'Redwood', 'Brightpath', 'Harborview', 'Evergreen', 'Ironbridge',
  'Clearwater', 'Sunrise', 'Maplewood', 'Granite', 'Horizon', 'Keystone', 'Lighthouse', 'Oakridge',
  'Pinecrest', 'Riverstone', 'Skyline', 'Stonegate', 'Contoso', 'Fabrikam', 'Tailspin', 'Wingtip',
  'Litware', 'Proseware', 'Woodgrove', 'Alpine', 'Lakeshore', 'Coho', 'Aurora', 'Cobalt',
  'Juniper', 'Meridian', 'Nimbus', 'Orchid', 'Quartz', 'Sequoia', 'Tidewater', 'Willow',
];
// prettier-ignore
const EN_TRADES = ['Trading', 'Health', 'Analytics', 'Logistics', 'Dental Care', 'Fitness', 'Foods', 'Studio', 'Learning', 'Retail', 'Clinic', 'Travel', 'Labs', 'Consulting', 'Home Services', 'Pet Care'];
const EN_FORMS = ['Ltd', 'Inc.', 'Co.', 'Group', 'LLC'];
// prettier-ignore
const SUSPEND_REASONS = ['invoice overdue', 'payment failed three times', 'abuse report: bulk messages via WeCom', 'chargeback under review', 'trial ended without a payment method', 'requested by the customer: seasonal pause'];
// prettier-ignore
const LEAVE_REASONS = ['contract ended', 'customer asked to close the account', 'duplicate account, merged into another tenant', 'company dissolved', 'moved to an on-premise deployment'];

/** The roster, in id order. */
export function roster(): DemoTenant[] {
  const rng = makeRng(20_240_601);
  const plans = rng.shuffle(
    Object.entries(PLAN_MIX).flatMap(([plan, n]) => Array.from({ length: n }, () => plan)),
  );
  const names = new Set<string>();
  const subdomains = new Set<string>();
  let instances = 0;
  const tenants = plans.map((plan, i): DemoTenant => {
    let name: string;
    let slug: string;
    do {
      if (rng.chance(0.55)) {
        const [brand, pinyin] = rng.pick(CN_BRANDS);
        name = `${rng.pick(CITIES)}${brand}${rng.pick(CN_TRADES)}`;
        slug = pinyin;
      } else {
        const brand = rng.pick(EN_BRANDS);
        name = `${brand} ${rng.pick(EN_TRADES)} ${rng.pick(EN_FORMS)}`;
        slug = brand.toLowerCase();
      }
    } while (names.has(name));
    names.add(name);
    const id = `t${String(i + 1).padStart(3, '0')}_${slug}`;
    let subdomain: string | undefined;
    if (plan !== 'free') {
      subdomain = slug;
      for (let n = 2; subdomains.has(subdomain); n++) subdomain = `${slug}-${n}`;
      subdomains.add(subdomain);
    }
    const tier =
      plan !== 'enterprise'
        ? 'shared'
        : instances++ < DEDICATED_INSTANCES
          ? 'dedicated_instance'
          : 'dedicated_schema';
    return {
      spec: {
        id,
        name,
        plan,
        tier,
        ...(subdomain && { subdomain }),
        ...(tier === 'dedicated_instance' && { instanceConnectionId: instanceConnectionId(id) }),
      },
      status: 'active',
    };
  });
  // Trouble lives mostly among the small plans.
  const small = rng.shuffle(tenants.filter((t) => t.spec.plan !== 'enterprise'));
  small.slice(0, SUSPENDED).forEach((t) => {
    t.status = 'suspended';
    t.reason = rng.pick(SUSPEND_REASONS);
  });
  small.slice(SUSPENDED, SUSPENDED + LEAVING).forEach((t) => {
    t.status = 'pending_deletion';
    t.reason = rng.pick(LEAVE_REASONS);
  });
  return tenants;
}

/** `inst_t007`: the connection id of a dedicated instance (KEEL_CONN_INST_T007_*). */
const instanceConnectionId = (tenantId: string): string => `inst_${tenantId.split('_')[0]}`;

/**
 * KEEL_CONN_* variables of the dedicated instances. The demo has one MySQL server, so each
 * "instance" is a second connection to the primary with role tenant:<id> (as the tests do).
 */
export function instanceVars(tenants: DemoTenant[], mysqlUri: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const { spec } of tenants) {
    if (!spec.instanceConnectionId) continue;
    const key = `KEEL_CONN_${spec.instanceConnectionId.toUpperCase()}`;
    vars[`${key}_URI`] = mysqlUri;
    vars[`${key}_ROLE`] = `tenant:${spec.id}`;
    vars[`${key}_NAME`] = `${spec.name} - dedicated MySQL (the demo primary)`.slice(0, 80);
  }
  return vars;
}

/** The roster as tenants.bulkProvision takes it (YAML keeps the Chinese names readable). */
export const bulkYaml = (tenants: DemoTenant[]): string => stringify(tenants.map((t) => t.spec));
