import type { Ballot, Choice } from '../../src/features/ballots/cast.ts';
import { buildRoll } from '../../src/features/ballots/roll.ts';
import type { OwnershipLink, Roll, RollUnit } from '../../src/features/ballots/roll.ts';
import type { TallyMatter } from '../../src/features/ballots/tally.ts';

/** Small deterministic generator (mulberry32), so a case is the same on every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type SyntheticCase = { roll: Roll; ballots: Ballot[]; matters: TallyMatter[] };

/**
 * An estate of exactly `voters` voters for benchmarks and load tests: 6 flats per entrance,
 * some owners with two flats, some flats with two co-owners, a few developer-held flats,
 * and about 80% turnout with every matter answered.
 */
export function syntheticCase(voters: number, matterCount: number, seed = 1): SyntheticCase {
  const rnd = random(seed);
  const units: RollUnit[] = [];
  const links: OwnershipLink[] = [];
  let owner = 0;
  let made = 0;
  let developer = false;
  while (made < voters) {
    const unit = (n: number): RollUnit => ({
      unitId: `u${n}`,
      building: String(1 + Math.floor(n / 60)),
      entrance: String(1 + (Math.floor(n / 6) % 10)),
      room: String(101 + (n % 6)),
      areaCm2: 4_000 + Math.floor(rnd() * 10_000),
      developerHeld: false,
    });
    const u = unit(units.length);
    const r = rnd();
    if (r < 0.01) {
      if (!developer) made++;
      developer = true;
      units.push({ ...u, developerHeld: true });
      continue;
    }
    made++;
    units.push(u);
    const id = `o${owner++}`;
    links.push({ unitId: u.unitId, ownerId: id });
    if (r < 0.1) links.push({ unitId: u.unitId, ownerId: `o${owner++}` });
    else if (r < 0.15) {
      const second = unit(units.length);
      units.push(second);
      links.push({ unitId: second.unitId, ownerId: id });
    }
  }
  const roll = buildRoll(units, links);
  const matters: TallyMatter[] = Array.from({ length: matterCount }, (_, i) => ({
    id: `m${i + 1}`,
    kind: i % 3 === 0 ? 'major' : 'ordinary',
  }));
  const options: Choice[] = ['agree', 'agree', 'agree', 'oppose', 'abstain'];
  const ballots: Ballot[] = [];
  for (const v of roll.voters) {
    if (rnd() >= 0.8) continue;
    const choices: Record<string, Choice> = {};
    for (const m of matters) choices[m.id] = options[Math.floor(rnd() * options.length)]!;
    ballots.push({ voterId: v.id, choices });
  }
  return { roll, ballots, matters };
}
