import autocannon from 'autocannon';

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

/** Load from `connections` concurrent clients cycling over `paths` for `seconds`. */
export async function load(
  base: string,
  paths: string[],
  connections: number,
  seconds: number,
  setup?: () => { method: 'POST' | 'GET'; headers: Record<string, string>; body?: string },
): Promise<LoadResult> {
  const result = await autocannon({
    url: base,
    connections,
    duration: seconds,
    requests: paths.map((path) =>
      setup ? { method: 'POST' as const, path, setupRequest: (req: object) => ({ ...req, path, ...setup() }) } : { method: 'GET' as const, path },
    ),
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
  };
}

/** Sequential requests from one client; returns each request's milliseconds. */
export async function sequential(base: string, paths: string[]): Promise<number[]> {
  const times: number[] = [];
  for (const p of paths) {
    const t0 = performance.now();
    const res = await fetch(base + p);
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${p}: HTTP ${res.status}`);
    times.push(performance.now() - t0);
  }
  return times;
}

export const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
