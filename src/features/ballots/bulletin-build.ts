import { formatAreaM2 } from './area.ts';
import type { Ballot, Choice } from './cast.ts';
import { bulletinSchema } from './bulletin.ts';
import type { Bulletin } from './bulletin.ts';
import type { MatterKind } from './matters.ts';

export type BulletinInput = {
  ballot: { id: string; title: string; closedAt: Date | string; version: number };
  matters: readonly { id: string; title: string; kind: MatterKind }[];
  /** the frozen roll, in roll order; each flat with its estate's name (votes may span estates) */
  voters: readonly { id: string; units: readonly { estate?: string; building: string; entrance: string; room: string; areaCm2: number }[] }[];
  /** in casting order; as in the tally, a voter's last ballot counts */
  ballots: readonly (Ballot & { receipt: string })[];
};

/**
 * The bulletin of a closed vote, holding exactly what the tally counts: ballots of voters
 * not on the roll and choices on matters not in the vote are left out, so that
 * recount(toBulletin(x)) gives tally(x). Checked against bulletinSchema before it leaves.
 */
export function toBulletin(input: BulletinInput): Bulletin {
  const last = new Map<string, Ballot & { receipt: string }>();
  for (const b of input.ballots) last.set(b.voterId, b);
  const bulletin = {
    ballot: {
      id: input.ballot.id,
      title: input.ballot.title,
      closedAt: typeof input.ballot.closedAt === 'string' ? input.ballot.closedAt : input.ballot.closedAt.toISOString(),
      version: input.ballot.version,
    },
    matters: input.matters.map((m) => ({ id: m.id, title: m.title, kind: m.kind })),
    voters: input.voters.map((v) => {
      const b = last.get(v.id);
      const votes: Record<string, Choice> = {};
      for (const m of input.matters) {
        if (b && Object.hasOwn(b.choices, m.id)) votes[m.id] = b.choices[m.id]!;
      }
      return {
        id: v.id,
        receipt: b ? b.receipt : null,
        units: v.units.map((u) => ({
          ...(u.estate !== undefined ? { estate: u.estate } : {}),
          building: u.building,
          entrance: u.entrance,
          room: u.room,
          areaM2: formatAreaM2(u.areaCm2),
        })),
        votes,
      };
    }),
  };
  return bulletinSchema.parse(bulletin);
}
