import { syntheticCase } from './synthetic-ballots.ts';
import { tally } from '../../src/features/ballots/tally.ts';

/**
 * Milliseconds for one tally of `voters` × `matters` (issue 4 asks ≤ 100 ms for
 * 10,000 × 20): the median of `runs` timed runs after a few warm-up runs, so one GC
 * pause does not decide the figure. Building the case is not timed.
 */
export function benchTally(voters = 10_000, matters = 20, runs = 9): number {
  const c = syntheticCase(voters, matters);
  for (let i = 0; i < 3; i++) tally(c.roll, c.ballots, c.matters);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    tally(c.roll, c.ballots, c.matters);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}
