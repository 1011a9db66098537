import { describe, expect, it } from 'vitest';
import { describeChange } from '../../src/features/projects/history-format.ts';
import { translator } from '../../src/i18n/index.ts';

const zh = translator('zh');
const en = translator('en');

describe('history as residents read it', () => {
  it('formats a changed amount as yuan and names what changed', () => {
    expect(describeChange(zh, { entity: 'budget_line', field: 'amount_fen', oldValue: '100000', newValue: '120050' })).toEqual({
      what: '资金 · 金额',
      before: '1,000.00',
      after: '1,200.50',
    });
  });
  it('names stages in the reader’s language', () => {
    expect(describeChange(en, { entity: 'project', field: 'stage', oldValue: '2', newValue: '3' })).toMatchObject({
      before: 'Plan drafting',
      after: 'Implementation',
    });
  });
  it('summarises an added or removed row', () => {
    const added = describeChange(zh, { entity: 'budget_line', field: 'created', oldValue: null, newValue: '{"channel":"city","amount_fen":500,"note":null}' });
    expect(added).toEqual({ what: '资金 · 新增', before: '—', after: '市级财政奖补 5.00' });
    const removed = describeChange(en, {
      entity: 'scope_item',
      field: 'deleted',
      oldValue: '{"code":"infrastructure.basic.roads","description":"resurface","estimated_cost_fen":100}',
      newValue: null,
    });
    expect(removed).toEqual({ what: 'Scope · Removed', before: 'Roads resurface 1.00', after: '—' });
  });
  it('falls back to raw names for fields it does not know, without failing', () => {
    expect(describeChange(zh, { entity: 'gizmo', field: 'colour', oldValue: 'red', newValue: '{bad json' })).toEqual({
      what: 'gizmo · colour',
      before: 'red',
      after: '{bad json',
    });
    expect(describeChange(zh, { entity: 'gizmo', field: 'created', oldValue: null, newValue: '{bad json' }).after).toBe('{bad json');
  });
});
