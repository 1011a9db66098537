import { describe, expect, it } from 'vitest';
import { offerInput, decideInput, receiveInput } from '../../src/features/donations/core/schemas.ts';

// The offer form refuses bad input field by field (the message is the error shown next to it).
const errorsOf = (input: Record<string, unknown>) => {
  const r = offerInput.safeParse({ projectId: '1', showName: null, ...input });
  return r.success ? {} : Object.fromEntries(r.error.issues.map((i) => [i.path.join('.'), i.message]));
};

describe('donation offer input', () => {
  it('takes yuan with at most two decimals as integer fen', () => {
    expect(offerInput.parse({ projectId: '1', kind: 'money', amount: '1234.5', showName: null })).toEqual({
      projectId: 1,
      what: { kind: 'money', amountFen: 123_450 },
      displayName: null,
    });
    expect(offerInput.parse({ projectId: '1', kind: 'money', amount: '0.01', showName: null }).what).toEqual({ kind: 'money', amountFen: 1 });
  });
  it('refuses three decimals, negative, zero, huge and non-numeric amounts on the amount field', () => {
    expect(errorsOf({ kind: 'money', amount: '1.001' })).toEqual({ amount: 'err.amount' });
    expect(errorsOf({ kind: 'money', amount: '-5' })).toEqual({ amount: 'err.amount' });
    expect(errorsOf({ kind: 'money', amount: '0' })).toEqual({ amount: 'err.donationAmountPositive' });
    expect(errorsOf({ kind: 'money', amount: '10000000.01' })).toEqual({ amount: 'err.donationAmountTooLarge' });
    expect(errorsOf({ kind: 'money', amount: '9'.repeat(400) })).toEqual({ amount: 'err.amount' });
    expect(errorsOf({ kind: 'money', amount: '1e5' })).toEqual({ amount: 'err.amount' });
    expect(errorsOf({ kind: 'money' })).toEqual({ amount: 'err.amount' });
  });
  it('needs what and how many for goods, skill and hours for labour, within bounds', () => {
    expect(errorsOf({ kind: 'goods', goodsWhat: '', goodsQuantity: '0' })).toEqual({ goodsWhat: 'err.required', goodsQuantity: 'err.number' });
    expect(errorsOf({ kind: 'goods', goodsWhat: 'x'.repeat(201), goodsQuantity: '1000001' })).toEqual({
      goodsWhat: 'err.tooLong',
      goodsQuantity: 'err.donationTooMany',
    });
    expect(errorsOf({ kind: 'labour', labourSkill: '电工', labourHours: '1.5' })).toEqual({ labourHours: 'err.number' });
    expect(errorsOf({ kind: 'nothing' })).toMatchObject({ kind: 'err.donationKind' });
  });
  it('keeps hostile text as text, without control characters, and is anonymous unless a name is chosen', () => {
    const hostile = '<script>alert(1)</script>\u0000\u202e=cmd|';
    const r = offerInput.parse({ projectId: '1', kind: 'goods', goodsWhat: hostile, goodsQuantity: '3', showName: null, displayName: '不会显示' });
    expect(r.what).toEqual({ kind: 'goods', goodsWhat: '<script>alert(1)</script>=cmd|', goodsQuantity: 3 });
    expect(offerInput.parse({ projectId: '1', kind: 'labour', labourSkill: '\u200b电\u2066工\u2069\n', labourHours: '2', showName: null }).what).toEqual({
      kind: 'labour',
      labourSkill: '电工',
      labourHours: 2,
    });
    expect(r.displayName).toBeNull();
    expect(
      offerInput.parse({ projectId: '1', kind: 'labour', labourSkill: '木工', labourHours: '6', showName: 'on', displayName: ' 王师傅 ' }).displayName,
    ).toBe('王师傅');
    expect(errorsOf({ kind: 'labour', labourSkill: '木工', labourHours: '6', showName: 'on', displayName: '' })).toEqual({ displayName: 'err.required' });
  });
  it('declines only with a reason; a receipt needs a real date', () => {
    expect(decideInput.safeParse({ donationId: '1', decision: 'decline', reason: null }).success).toBe(false);
    expect(decideInput.parse({ donationId: '1', decision: 'accept', reason: null })).toEqual({ donationId: 1, decision: 'accept', reason: null });
    expect(receiveInput.safeParse({ donationId: '1', receivedOn: '2026-02-30', receiptNo: 'R' }).success).toBe(false);
  });
});
