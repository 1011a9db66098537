import { FUNDING_CHANNELS, type FundingChannel } from './channels.ts';
import { sharesPerMille } from './money.ts';

export interface BudgetLine {
  channel: string;
  amountFen: number;
}

export interface BudgetRow {
  channel: FundingChannel;
  amountFen: number;
  perMille: number;
}

/** One row per channel present, in the plan's channel order, with exact shares and total. */
export function summariseBudget(lines: BudgetLine[]): { rows: BudgetRow[]; totalFen: number } {
  const byChannel = new Map<FundingChannel, number>();
  for (const l of lines) {
    const ch = l.channel as FundingChannel;
    if (!FUNDING_CHANNELS.includes(ch)) throw new RangeError(`unknown funding channel ${l.channel}`);
    byChannel.set(ch, (byChannel.get(ch) ?? 0) + l.amountFen);
  }
  const channels = FUNDING_CHANNELS.filter((c) => byChannel.has(c));
  const amounts = channels.map((c) => byChannel.get(c)!);
  const shares = sharesPerMille(amounts);
  return {
    rows: channels.map((channel, i) => ({ channel, amountFen: amounts[i]!, perMille: shares[i]! })),
    totalFen: amounts.reduce((a, b) => a + b, 0),
  };
}
