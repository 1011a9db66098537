/** Resolves once the built server answers on `base`; gives up after `seconds`. */
export async function waitForServer(base: string, seconds = 30): Promise<void> {
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until) {
    try {
      if ((await fetch(`${base}/robots.txt`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`server at ${base} did not start within ${seconds} s`);
}
