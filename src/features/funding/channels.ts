/** Funding channels of a budget (资金来源), in the order the plan lists them. */
export const FUNDING_CHANNELS = [
  'central_provincial',
  'city',
  'district',
  'subdistrict',
  'utilities',
  'residents',
  'donations',
  'market',
  'original_owner_units',
] as const;
export type FundingChannel = (typeof FUNDING_CHANNELS)[number];

export const isFundingChannel = (c: string): c is FundingChannel => (FUNDING_CHANNELS as readonly string[]).includes(c);

/** OC4IDS budgetBreakdown sourceParty / description helper: public or private money. */
export const PUBLIC_CHANNELS: ReadonlySet<FundingChannel> = new Set(['central_provincial', 'city', 'district', 'subdistrict']);
