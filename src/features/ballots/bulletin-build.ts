import { formatAreaM2 } from './area.ts';
import type { Ballot, Choice } from './cast.ts';
import { bulletinSchema } from './bulletin.ts';
import type { Bulletin, BulletinVoter } from './bulletin.ts';
import type { MatterKind } from './matters.ts';

export type BulletinUnitInput = { estate?: string; building: string; entrance: string; room: string; areaCm2: number };

export type BulletinInput = {
  ballot: { id: string; title: string; closedAt: Date | string; version: number };
  matters: readonly { id: string; title: string; kind: MatterKind }[];
  /** the frozen roll, in roll order; each flat with its estate's name (votes may span estates) */
  voters: readonly { id: string; units: readonly BulletinUnitInput[] }[];
  /** in casting order; as in the tally, a voter's last ballot counts */
  ballots: readonly (Ballot & { receipt: string })[];
};

/** The head of a bulletin: the ballot (closing time in UTC ISO 8601) and its matters. */
export function bulletinHead(ballot: BulletinInput['ballot'], matters: BulletinInput['matters']): Pick<Bulletin, 'ballot' | 'matters'> {
  return {
    ballot: {
      id: ballot.id,
      title: ballot.title,
      closedAt: typeof ballot.closedAt === 'string' ? ballot.closedAt : ballot.closedAt.toISOString(),
      version: ballot.version,
    },
    matters: matters.map((m) => ({ id: m.id, title: m.title, kind: m.kind })),
  };
}

/** A counted ballot's choices on the vote's matters only, in the matters' order. */
export function votesOf(matters: readonly { id: string }[], choices: Readonly<Record<string, Choice>> | undefined): Record<string, Choice> {
  const votes: Record<string, Choice> = {};
  if (choices) for (const m of matters) if (Object.hasOwn(choices, m.id)) votes[m.id] = choices[m.id]!;
  return votes;
}

/** One voter of the full form: their flats and, when they voted, their receipt code and counted choices. */
export function bulletinVoterOf(
  matters: readonly { id: string }[],
  voter: { id: string; units: readonly BulletinUnitInput[] },
  counted: { receipt: string; choices: Readonly<Record<string, Choice>> } | undefined,
): BulletinVoter {
  return {
    id: voter.id,
    receipt: counted ? counted.receipt : null,
    units: voter.units.map((u) => ({
      ...(u.estate !== undefined ? { estate: u.estate } : {}),
      building: u.building,
      entrance: u.entrance,
      room: u.room,
      areaM2: formatAreaM2(u.areaCm2),
    })),
    votes: votesOf(matters, counted?.choices),
  };
}

/**
 * The bulletin of a closed vote, holding exactly what the tally counts: ballots of voters
 * not on the roll and choices on matters not in the vote are left out, so that
 * recount(toBulletin(x)) gives tally(x). Checked against bulletinSchema before it leaves.
 * Publishing builds the same voters one batch at a time from the database (bulletin-source.ts).
 */
export function toBulletin(input: BulletinInput): Bulletin {
  const last = new Map<string, Ballot & { receipt: string }>();
  for (const b of input.ballots) last.set(b.voterId, b);
  return bulletinSchema.parse({
    ...bulletinHead(input.ballot, input.matters),
    voters: input.voters.map((v) => bulletinVoterOf(input.matters, v, last.get(v.id))),
  });
}
