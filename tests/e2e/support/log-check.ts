// What the last spec (server-log-holds-no-personal-data.last.spec.ts) looks for in the e2e
// server's log; tests/unit/log-check.test.ts shows that it finds what it looks for.

/** A mainland mobile number standing alone (request ids are hex with dashes around: not mistaken for one). */
const MOBILE = /(?<![\dA-Za-z-])1[3-9]\d{9}(?![\dA-Za-z])/g;
/** An 18-character resident ID number standing alone. */
const ID_NUMBER = /(?<![\dA-Za-z-])\d{17}[\dXx](?![\dA-Za-z])/g;

/** Every needle (a phone number, an ID number, a name) found in the log, then every mobile or ID number at all. */
export function personalDataIn(log: string, needles: readonly string[]): string[] {
  return [...needles.filter((n) => n && log.includes(n)), ...(log.match(MOBILE) ?? []), ...(log.match(ID_NUMBER) ?? [])];
}

/** The log's request lines, parsed. */
export function requestLines(log: string): Record<string, unknown>[] {
  return log
    .split('\n')
    .filter((l) => l.startsWith('{') && l.includes('"msg":"request"'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
