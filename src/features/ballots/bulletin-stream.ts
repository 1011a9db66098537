import { BulletinCount, bulletinHeadSchema, bulletinRules, bulletinVoterSchema, publicBulletinVoterSchema } from './bulletin.ts';
import type { BulletinVoter, PublicBulletinVoter, RecountResult } from './bulletin.ts';

// A bulletin recounted as it is read (npm run ballot:recount): a small incremental reader of
// the one JSON object a bulletin is, that hands over each voter of its `voters` array as
// soon as it is complete, each checked alone and against the rules across voters
// (bulletinRules) and counted by the tally's own counter (BulletinCount → TallyCounter), then
// dropped; memory holds a voter, a read chunk, and the sets the rules need (voter ids,
// receipt codes, flats), not the bulletin. Any JSON text of a bulletin is read, pretty-printed
// as published or not, its members in any order (voters listed before the matters wait for
// them).

/** The text is not JSON, or ends before the bulletin does. */
export class BulletinSyntaxError extends Error {
  readonly zh: string;
  readonly en: string;
  readonly truncated: boolean;
  constructor(zh: string, en: string, truncated = false) {
    super(en);
    this.zh = zh;
    this.en = en;
    this.truncated = truncated;
  }
}

export type ScanEvents = {
  /** a member of the root object other than the streamed voters, whole */
  member(key: string, value: unknown): void;
  /** the root's `voters` array begins: its elements follow one by one */
  voters(): void;
  /** one element of the root's `voters` array, whole, as JSON.parse reads it */
  voter(value: unknown, index: number): void;
};

type State = 'root' | 'keyOrClose' | 'key' | 'colon' | 'value' | 'voterOrClose' | 'voter' | 'voterNext' | 'memberNext' | 'after';
type Role = 'key' | 'member' | 'voter';

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/**
 * Reads the text of one JSON object a piece at a time (`push`, then `end`). The members of
 * the root object are found by their brackets and quotes only, and each is read by
 * JSON.parse itself, so every value means what it would in the whole text; the elements of
 * the first `voters` array are read and handed over one by one. Throws BulletinSyntaxError,
 * with the line, when the text is not JSON or ends early.
 */
export class BulletinScanner {
  private buf = '';
  private i = 0;
  private state: State = 'root';
  private role: Role = 'key';
  /** where in buf the value being scanned starts; -1 when none */
  private start = -1;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private bare = false;
  private key = '';
  private streamed = false;
  private voters = 0;
  private linesBefore = 0;
  private began = false;
  private readonly on: ScanEvents;

  constructor(on: ScanEvents) {
    this.on = on;
  }

  push(text: string): void {
    if (!this.began && text.length > 0) {
      this.began = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // a byte-order mark
    }
    this.buf += text;
    this.run(false);
    // keep only what is still being read
    const drop = this.start >= 0 ? this.start : this.i;
    this.linesBefore += lineEnds(this.buf, 0, drop);
    this.buf = this.buf.slice(drop);
    this.i -= drop;
    if (this.start >= 0) this.start = 0;
  }

  end(): void {
    this.run(true);
    if (this.state === 'after') return;
    const line = this.lineAt(this.buf.length);
    if (!this.began || (this.state === 'root' && this.buf.trim() === '')) throw new BulletinSyntaxError('文件为空', 'the file is empty', true);
    throw new BulletinSyntaxError(
      `文件在第 ${line} 行（已读 ${this.voters} 名投票人）提前结束，不完整（下载或复制中断？）`,
      `the file ends at line ${line}, after ${this.voters} voter${this.voters === 1 ? '' : 's'}, before the bulletin does: it is truncated (an interrupted download or copy?)`,
      true,
    );
  }

  private lineAt(pos: number): number {
    return this.linesBefore + lineEnds(this.buf, 0, pos) + 1;
  }

  private fail(zh: string, en: string, at = this.i): never {
    const line = this.lineAt(at);
    throw new BulletinSyntaxError(`第 ${line} 行：${zh}`, `line ${line}: ${en}`);
  }

  private begin(role: Role): void {
    this.role = role;
    this.start = this.i;
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
    const c = this.buf.charCodeAt(this.i);
    this.bare = c !== 0x7b && c !== 0x5b && c !== 0x22; // not { [ or "
  }

  /** Scans on from this.i to the end of the value begun at this.start: its end, or -1 when more text is needed. */
  private scan(final: boolean): number {
    const s = this.buf;
    let j = this.i;
    if (this.bare) {
      // a number, true, false or null: up to the next delimiter
      for (; j < s.length; j++) {
        const c = s.charCodeAt(j);
        if (isSpace(c) || c === 0x2c || c === 0x5d || c === 0x7d) break;
      }
      this.i = j;
      return j < s.length || final ? j : -1;
    }
    let { depth, inString, escaped } = this;
    for (; j < s.length; j++) {
      const c = s.charCodeAt(j);
      if (inString) {
        if (escaped) escaped = false;
        else if (c === 0x5c) escaped = true;
        else if (c === 0x22) {
          inString = false;
          if (depth === 0) return (this.i = j + 1);
        }
      } else if (c === 0x22) inString = true;
      else if (c === 0x7b || c === 0x5b) depth++;
      else if (c === 0x7d || c === 0x5d) {
        depth--;
        if (depth === 0) return (this.i = j + 1);
      }
    }
    Object.assign(this, { depth, inString, escaped });
    this.i = j;
    return -1;
  }

  private took(end: number): void {
    const text = this.buf.slice(this.start, end);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      this.fail(`不是有效的 JSON（${(e as Error).message}）`, `not valid JSON (${(e as Error).message})`, this.start);
    }
    this.start = -1;
    if (this.role === 'key') {
      this.key = value as string;
      this.state = 'colon';
    } else if (this.role === 'member') {
      this.on.member(this.key, value);
      this.state = 'memberNext';
    } else {
      this.on.voter(value, this.voters++);
      this.state = 'voterNext';
    }
  }

  private run(final: boolean): void {
    for (;;) {
      if (this.start >= 0) {
        const end = this.scan(final);
        if (end < 0) return;
        this.took(end);
        continue;
      }
      if (this.i >= this.buf.length) return;
      const c = this.buf.charCodeAt(this.i);
      if (isSpace(c)) {
        this.i++;
        continue;
      }
      const ch = this.buf[this.i]!;
      switch (this.state) {
        case 'root':
          if (ch !== '{') this.fail('公示文件须为一个 JSON 对象 { … }', 'a bulletin is one JSON object { … }');
          this.i++;
          this.state = 'keyOrClose';
          break;
        case 'keyOrClose':
        case 'key':
          if (ch === '}' && this.state === 'keyOrClose') {
            this.i++;
            this.state = 'after';
          } else if (ch === '"') this.begin('key');
          else this.fail(`此处应为带双引号的字段名，而不是“${ch}”`, `expected a key in double quotes, not “${ch}”`);
          break;
        case 'colon':
          if (ch !== ':') this.fail(`字段名后应为“:”，而不是“${ch}”`, `expected “:” after a key, not “${ch}”`);
          this.i++;
          this.state = 'value';
          break;
        case 'value':
          if (ch === '[' && this.key === 'voters' && !this.streamed) {
            this.streamed = true;
            this.on.voters();
            this.i++;
            this.state = 'voterOrClose';
          } else this.begin('member');
          break;
        case 'voterOrClose':
        case 'voter':
          if (ch === ']' && this.state === 'voterOrClose') {
            this.i++;
            this.state = 'memberNext';
          } else if (ch === ']' || ch === ',') this.fail(`此处应为一名投票人，而不是“${ch}”`, `expected a voter, not “${ch}”`);
          else this.begin('voter');
          break;
        case 'voterNext':
          if (ch === ',') this.state = 'voter';
          else if (ch === ']') this.state = 'memberNext';
          else this.fail(`投票人之间应为“,”，而不是“${ch}”`, `expected “,” or “]” after a voter, not “${ch}”`);
          this.i++;
          break;
        case 'memberNext':
          if (ch === ',') this.state = 'key';
          else if (ch === '}') this.state = 'after';
          else this.fail(`字段之后应为“,”或“}”，而不是“${ch}”`, `expected “,” or “}” after a member, not “${ch}”`);
          this.i++;
          break;
        case 'after':
          this.fail('公示文件结束后还有内容', 'text after the end of the bulletin');
      }
    }
  }
}

function lineEnds(s: string, from: number, to: number): number {
  let n = 0;
  for (let p = s.indexOf('\n', from); p !== -1 && p < to; p = s.indexOf('\n', p + 1)) n++;
  return n;
}

export type StreamedRecount =
  | { ok: true; form: 'full' | 'public'; voters: number; result: RecountResult }
  | { ok: false; syntax: BulletinSyntaxError }
  /** the first 20 problems (`path: message`, as the whole-bulletin schema words them) and how many in all */
  | { ok: false; problems: string[]; total: number };

const KEPT_PROBLEMS = 20;

/**
 * Recounts a bulletin of either form read as a stream of its bytes (or text): the same
 * figures as recount() of the whole parsed bulletin, and a bulletin refused for the same
 * reasons (problems worded as its schema words them; a file that is not JSON or ends early
 * is a syntax error, saying where).
 */
export async function recountStream(source: AsyncIterable<Uint8Array | string>): Promise<StreamedRecount> {
  const problems: string[] = [];
  let total = 0;
  const problem = (path: (string | number | symbol)[], message: string) => {
    total++;
    if (problems.length < KEPT_PROBLEMS) problems.push(`${path.length > 0 ? path.map(String).join('.') : '(root)'}: ${message}`);
  };

  const members = new Map<string, unknown>();
  const st: { form: 'full' | 'public' | null; rules: ReturnType<typeof bulletinRules> | null; count: BulletinCount | null; headRead: boolean } = {
    form: null,
    rules: null,
    count: null,
    headRead: false,
  };
  let voters = 0;
  let streamed = false;
  // voters met before the ballot and matters (a file whose members were reordered) wait for them
  const waiting: unknown[] = [];

  const readHead = () => {
    st.headRead = true;
    st.form ??= 'public'; // no voters: either form, the same figures
    const head = bulletinHeadSchema.pick({ ballot: true, matters: true }).safeParse({ ballot: members.get('ballot'), matters: members.get('matters') });
    if (head.success) {
      const before = total;
      st.rules = bulletinRules(st.form, head.data.matters, problem);
      if (total === before) st.count = new BulletinCount(head.data.matters);
    } // else said once the whole root is known
    waiting.splice(0).forEach((v, i) => check(v, i));
  };
  const check = (value: unknown, i: number) => {
    const parsed = (st.form === 'full' ? bulletinVoterSchema : publicBulletinVoterSchema).safeParse(value);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problem(['voters', i, ...issue.path], issue.message);
      st.count = null;
      return;
    }
    const before = total;
    st.rules?.voter(parsed.data as BulletinVoter & PublicBulletinVoter, i);
    if (total !== before) st.count = null;
    try {
      st.count?.voter(parsed.data);
    } catch (e) {
      // the total area past what is counted exactly: bulletinRules says so at the end
      if (!(e instanceof RangeError)) throw e;
      st.count = null;
    }
  };

  const scanner = new BulletinScanner({
    member(key, value) {
      if (members.has(key) || (key === 'voters' && streamed)) problem([key], `字段重复：${key} / duplicate key ${key}`);
      members.set(key, value);
    },
    voters() {
      if (members.has('voters')) problem(['voters'], '字段重复：voters / duplicate key voters');
      streamed = true;
    },
    voter(value, i) {
      voters++;
      if (st.form === null) {
        // the form is the first voter's: a full bulletin's voters have ids and flats
        const o = value !== null && typeof value === 'object' ? value : {};
        st.form = Object.hasOwn(o, 'units') || Object.hasOwn(o, 'id') ? 'full' : 'public';
      }
      if (!st.headRead) {
        if (!members.has('ballot') || !members.has('matters')) return void waiting.push(value);
        readHead();
      }
      check(value, i);
    },
  });
  try {
    const decoder = new TextDecoder();
    for await (const chunk of source) scanner.push(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    scanner.push(decoder.decode());
    scanner.end();
  } catch (e) {
    if (e instanceof BulletinSyntaxError) return { ok: false, syntax: e };
    throw e;
  }
  if (!st.headRead) readHead();
  st.rules?.end();
  // the root as a whole: its members, none missing and none unknown, as the whole schema says it
  const root: Record<string, unknown> = Object.fromEntries(members);
  if (streamed) root.voters = [];
  const shape = bulletinHeadSchema.safeParse(root);
  if (!shape.success) for (const issue of shape.error.issues) problem(issue.path, issue.message);
  if (total > 0 || !st.count) {
    if (problems.length === 0) problems.push('(root): 无法计票 / cannot be counted');
    return { ok: false, problems, total: Math.max(total, problems.length) };
  }
  return { ok: true, form: st.form!, voters, result: st.count.results() };
}
