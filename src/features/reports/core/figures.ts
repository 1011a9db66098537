import { FUNDING_CHANNELS } from '../../funding/channels.ts';

/** How a figure is written: a count, money in fen (shown in yuan), minutes (shown in hours). */
export type FigureKind = 'count' | 'fen' | 'minutes';

/** The report's sections, in the order they are printed, each with its figures. */
export const SECTIONS = [
  { id: 'stages', figures: ['stage.1', 'stage.2', 'stage.3', 'stage.4', 'stage.5', 'stage.6', 'projects.started', 'projects.finished'] },
  { id: 'budget', figures: FUNDING_CHANNELS.map((c) => `budget.${c}` as const) },
  {
    id: 'money',
    figures: ['money.residentsPaid', 'money.residentsRefunded', 'money.residentsToDate', 'money.donorsPaid', 'money.donorsToDate'],
  },
  { id: 'votes', figures: ['votes.held', 'votes.matters', 'votes.passed', 'votes.noDecision'] },
  { id: 'consultations', figures: ['consultations.opened', 'consultations.closed', 'consultations.comments', 'consultations.answered'] },
  { id: 'pledges', figures: ['pledges.count', 'pledges.amount', 'donations.offered', 'donations.received'] },
  { id: 'volunteers', figures: ['volunteers.attended', 'volunteers.minutes'] },
  { id: 'ratings', figures: ['ratings.new', 'ratings.revised', 'ratings.goalSum', 'ratings.goalCount'] },
] as const;

export type SectionId = (typeof SECTIONS)[number]['id'];
export type FigureKey = (typeof SECTIONS)[number]['figures'][number];
export const FIGURE_KEYS: readonly FigureKey[] = SECTIONS.flatMap((s) => s.figures as readonly FigureKey[]);

export function figureKind(key: FigureKey): FigureKind {
  if (key.startsWith('budget.') || key.startsWith('money.') || key === 'pledges.amount') return 'fen';
  if (key === 'volunteers.minutes') return 'minutes';
  return 'count';
}

/** The budget of a channel against what was actually paid in to it, to the end of the month. */
export const PAID_IN_TO_DATE: Partial<Record<(typeof FUNDING_CHANNELS)[number], FigureKey>> = {
  residents: 'money.residentsToDate',
  donations: 'money.donorsToDate',
};
