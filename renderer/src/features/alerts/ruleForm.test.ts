import { describe, expect, it } from 'vitest';
import { checkRule, EMPTY_RULE_FORM, formFromRule, slugOf } from './ruleForm';

describe('checkRule', () => {
  it('accepts a complete threshold rule and derives the id from the name', () => {
    const r = checkRule(
      { ...EMPTY_RULE_FORM, name: 'DB connections > 80 %', labels: 'team=dba' },
      'demo',
    );
    expect(r.issues).toEqual({});
    expect(r.rule?.id).toBe('db-connections-80');
    expect(r.rule?.labels).toEqual({ team: 'dba' });
  });
  it('reports schema issues by field', () => {
    const r = checkRule(
      { ...EMPTY_RULE_FORM, name: '', threshold: 'x', runbookUrl: 'ftp://a', forSec: '-1' },
      'demo',
    );
    expect(r.rule).toBeUndefined();
    expect(Object.keys(r.issues)).toEqual(
      expect.arrayContaining(['name', 'threshold', 'runbookUrl', 'forSec']),
    );
  });
  it('needs a metric for threshold rules only', () => {
    expect(
      checkRule({ ...EMPTY_RULE_FORM, name: 'a', metric: '' }, 'demo').issues['metric'],
    ).toBeTruthy();
    expect(
      checkRule({ ...EMPTY_RULE_FORM, name: 'a', metric: '', type: 'deadman' }, 'demo').rule,
    ).toBeDefined();
  });
  it('refuses bad label lines', () => {
    const r = checkRule({ ...EMPTY_RULE_FORM, name: 'a', labels: 'nope' }, 'demo');
    expect(r.rule).toBeUndefined();
    expect(r.labelIssues).toEqual([{ line: 1, kind: 'format' }]);
  });
  it('round-trips a rule through the form', () => {
    const rule = checkRule({ ...EMPTY_RULE_FORM, name: 'x', clearThreshold: '0.7' }, 'demo').rule;
    expect(rule).toBeDefined();
    if (rule) expect(checkRule(formFromRule(rule), 'demo').rule).toEqual(rule);
  });
  it('slugs names', () => {
    expect(slugOf('  Hello, World!  ')).toBe('hello-world');
  });
});
