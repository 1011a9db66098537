import type { Translate } from '../../../i18n/index.ts';
import { formatYuan } from '../../funding/money.ts';
import type { DonationKind } from '../tables.ts';

/** What was given, in words: "1,000.00 元", "水泥 × 20", "电工，8 小时". */
export function giftText(
  t: Translate,
  g: {
    kind: DonationKind;
    amountFen: number | null;
    goodsWhat: string | null;
    goodsQuantity: number | null;
    labourSkill: string | null;
    labourHours: number | null;
  },
): string {
  if (g.kind === 'money') return t('donations.moneyLine', { amount: formatYuan(g.amountFen ?? 0) });
  if (g.kind === 'goods') return t('donations.goodsLine', { what: g.goodsWhat ?? '', n: g.goodsQuantity ?? 0 });
  return t('donations.labourLine', { skill: g.labourSkill ?? '', n: g.labourHours ?? 0 });
}
