/** Which choice of which ballot counts, as a voter × matter grid of codes. */
export type Choice = 'agree' | 'oppose' | 'abstain';
export const CHOICES: readonly Choice[] = ['agree', 'oppose', 'abstain'];

export type Ballot = { voterId: string; choices: Readonly<Record<string, Choice>> };

export type BallotRef = { index: number; voterId: string };
export type ResolvedBallots = {
  /** codes[voter × matterCount + matter]: 0 did not take part, else CHOICE_CODE */
  codes: Uint8Array;
  /** ballots of voters not on the roll */
  ignoredBallots: BallotRef[];
  /** earlier ballots of a voter, replaced by their last one */
  supersededBallots: BallotRef[];
  /** choices on matters this vote does not have */
  ignoredChoices: (BallotRef & { matterId: string })[];
};

export const CHOICE_CODE: Readonly<Record<Choice, number>> = { agree: 1, oppose: 2, abstain: 3 };

/**
 * The last ballot of each voter in the given order counts, whole: it replaces earlier ones
 * entirely, so a matter left out of it is not taken from an earlier ballot (DOMAIN.md:
 * "the last ballot cast before the close counts"). Callers pass ballots in casting order.
 */
export function resolveBallots(voterIds: readonly string[], matterIds: readonly string[], ballots: readonly Ballot[]): ResolvedBallots {
  const voterIndex = new Map<string, number>();
  voterIds.forEach((id, i) => voterIndex.set(id, i));
  const matterIndex = new Map<string, number>();
  matterIds.forEach((id, i) => matterIndex.set(id, i));

  const last = new Map<number, number>();
  const ignoredBallots: BallotRef[] = [];
  const supersededBallots: BallotRef[] = [];
  ballots.forEach((b, index) => {
    const v = voterIndex.get(b.voterId);
    if (v === undefined) {
      ignoredBallots.push({ index, voterId: b.voterId });
      return;
    }
    const before = last.get(v);
    if (before !== undefined) supersededBallots.push({ index: before, voterId: b.voterId });
    last.set(v, index);
  });
  supersededBallots.sort((a, b) => a.index - b.index);

  const m = matterIds.length;
  const codes = new Uint8Array(voterIds.length * m);
  const ignoredChoices: ResolvedBallots['ignoredChoices'] = [];
  for (const [v, index] of last) {
    const b = ballots[index]!;
    for (const matterId of Object.keys(b.choices)) {
      const choice = b.choices[matterId];
      // compared, not looked up: the same as CHOICE_CODE, several times faster over a million choices
      const code = choice === 'agree' ? 1 : choice === 'oppose' ? 2 : choice === 'abstain' ? 3 : undefined;
      if (code === undefined) {
        throw new RangeError(`ballot ${index} of voter ${b.voterId}: "${String(choice)}" on ${matterId} is not agree, oppose or abstain`);
      }
      const mi = matterIndex.get(matterId);
      if (mi === undefined) ignoredChoices.push({ index, voterId: b.voterId, matterId });
      else codes[v * m + mi] = code;
    }
  }
  ignoredChoices.sort((a, b) => a.index - b.index);
  return { codes, ignoredBallots, supersededBallots, ignoredChoices };
}
