import type { Kysely } from 'kysely';
import type { Database } from '../../src/lib/db/schema.ts';

// What the load tests that stop a server under casting (vote-under-sigkill, rolling-restart)
// check afterwards: every acknowledged cast is stored, and every voter is counted once, with
// the three choices last acknowledged. Voter codes follow the roll's order, the order the
// owners were created in (voter i is V000{i+1}).

export const CHOICES = ['agree', 'oppose', 'abstain'] as const;
export type Choices = Record<'m1' | 'm2' | 'm3', (typeof CHOICES)[number]>;
export interface Acknowledged {
  choices: Choices;
  count: number;
}

export async function acknowledgedCastProblems(db: Kysely<Database>, ballotId: number, voters: number, acked: Map<number, Acknowledged>) {
  const problems: string[] = [];
  const stored = await db
    .selectFrom('ballot_casts')
    .innerJoin('ballot_voters', 'ballot_voters.id', 'ballot_casts.voter_id')
    .where('ballot_casts.ballot_id', '=', ballotId)
    .select(['ballot_voters.code'])
    .execute();
  const storedPerVoter = new Map<string, number>();
  for (const s of stored) storedPerVoter.set(s.code, (storedPerVoter.get(s.code) ?? 0) + 1);
  const counted = await db
    .selectFrom('ballot_choices')
    .innerJoin('ballot_voters', 'ballot_voters.id', 'ballot_choices.voter_id')
    .innerJoin('ballot_matters', 'ballot_matters.id', 'ballot_choices.matter_id')
    .where('ballot_choices.ballot_id', '=', ballotId)
    .select(['ballot_voters.code', 'ballot_matters.code as matter', 'ballot_choices.choice'])
    .execute();
  const codeOf = (i: number) => `V${String(i + 1).padStart(4, '0')}`;
  for (let i = 0; i < voters; i++) {
    const a = acked.get(i)!;
    const code = codeOf(i);
    if ((storedPerVoter.get(code) ?? 0) < a.count) problems.push(`${code}: ${a.count} acknowledged, ${storedPerVoter.get(code) ?? 0} stored`);
    const mine = counted.filter((c) => c.code === code);
    if (mine.length !== 3) problems.push(`${code}: ${mine.length} counted choices`);
    for (const c of mine)
      if (a.choices[c.matter as keyof Choices] !== c.choice)
        problems.push(`${code} ${c.matter}: counted ${c.choice}, last acknowledged ${a.choices[c.matter as keyof Choices]}`);
  }
  return { problems, castsStored: stored.length, countedRows: counted.length };
}
