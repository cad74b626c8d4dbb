import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EMPTY_SPLITTER_STATE, splitChunk, type SplitterState } from '../../src/sources/line-splitter.js';

const b = (s: string) => Buffer.from(s, 'utf8');

interface Split {
  lines: string[];
  /** Absolute offsets just past each line's '\n'. */
  ends: number[];
  oversized: { bytes: number; start: number; end: number }[];
  consumed: number;
  state: SplitterState;
  maxPending: number;
}

/** Feeds `data` cut at `cuts` through splitChunk, translating chunk offsets to offsets in `data`. */
function splitInChunks(data: Buffer, cuts: number[], maxLineBytes: number): Split {
  const bounds = [...new Set([0, ...cuts.filter((c) => c > 0 && c < data.length), data.length])].sort((x, y) => x - y);
  const out: Split = { lines: [], ends: [], oversized: [], consumed: 0, state: EMPTY_SPLITTER_STATE, maxPending: 0 };
  for (let i = 0; i + 1 < bounds.length; i++) {
    const from = bounds[i] as number;
    const r = splitChunk(out.state, data.subarray(from, bounds[i + 1]), maxLineBytes);
    out.lines.push(...r.lines);
    out.ends.push(...r.ends.map((e) => from + e));
    out.oversized.push(...r.oversized.map((o) => ({ bytes: o.bytes, start: from + o.start, end: from + o.end })));
    if (r.consumed > 0) out.consumed = from + r.consumed;
    out.state = r.state;
    out.maxPending = Math.max(out.maxPending, r.state.pending.length);
  }
  return out;
}

/** Straightforward reference: the whole input at once. */
function reference(data: Buffer, maxLineBytes: number) {
  const lines: string[] = [];
  const ends: number[] = [];
  const oversized: { bytes: number; start: number; end: number }[] = [];
  let start = 0;
  let consumed = 0;
  for (let nl = data.indexOf(0x0a); nl !== -1; nl = data.indexOf(0x0a, start)) {
    let content = data.subarray(start, nl);
    if (content.length > 0 && content[content.length - 1] === 0x0d) content = content.subarray(0, content.length - 1);
    if (content.length > maxLineBytes) oversized.push({ bytes: content.length, start, end: nl + 1 });
    else if (content.length > 0) {
      lines.push(content.toString('utf8'));
      ends.push(nl + 1);
    }
    start = nl + 1;
    consumed = nl + 1;
  }
  return { lines, ends, oversized, consumed, pendingBytes: data.length - consumed };
}

describe('splitChunk', () => {
  it('returns complete lines and keeps the unterminated tail', () => {
    const r = splitChunk(EMPTY_SPLITTER_STATE, b('{"a":1}\n{"b":2}\n{"c":'));
    expect(r.lines).toEqual(['{"a":1}', '{"b":2}']);
    expect(r.ends).toEqual([8, 16]);
    expect(r.consumed).toBe(16);
    expect(r.state.pending.toString()).toBe('{"c":');
    expect(r.state.pendingBytes).toBe(5);

    const r2 = splitChunk(r.state, b('3}\n'));
    expect(r2.lines).toEqual(['{"c":3}']);
    expect(r2.ends).toEqual([3]);
    expect(r2.state.pendingBytes).toBe(0);
  });

  it('returns nothing for a chunk without a newline', () => {
    const r = splitChunk(EMPTY_SPLITTER_STATE, b('abc'));
    expect(r.lines).toEqual([]);
    expect(r.consumed).toBe(0);
    expect(r.state.pending.toString()).toBe('abc');
  });

  it('does not modify its inputs and copies the tail out of the chunk', () => {
    const chunk = b('x\nyz');
    const r = splitChunk(EMPTY_SPLITTER_STATE, chunk);
    chunk.fill(0x41);
    expect(r.state.pending.toString()).toBe('yz');
    expect(EMPTY_SPLITTER_STATE.pendingBytes).toBe(0);
    const r2 = splitChunk(r.state, b('w\n'));
    expect(r2.lines).toEqual(['yzw']);
    expect(r.state.pending.toString()).toBe('yz');
  });

  it('strips CRLF, also when the \\r and \\n are in different chunks', () => {
    const r = splitChunk(EMPTY_SPLITTER_STATE, b('a\r\nb\r'));
    expect(r.lines).toEqual(['a']);
    const r2 = splitChunk(r.state, b('\nc\r\n'));
    expect(r2.lines).toEqual(['b', 'c']);
  });

  it('skips empty lines but still consumes them', () => {
    const r = splitChunk(EMPTY_SPLITTER_STATE, b('\n\r\na\n\n\r\n'));
    expect(r.lines).toEqual(['a']);
    expect(r.ends).toEqual([5]);
    expect(r.consumed).toBe(8);
  });

  it('accepts a line of exactly maxLineBytes (with or without \\r) and skips a longer one', () => {
    const r = splitChunk(EMPTY_SPLITTER_STATE, b('12345\n12345\r\n123456\nok\n123456\r\n'), 5);
    expect(r.lines).toEqual(['12345', '12345', 'ok']);
    expect(r.oversized).toEqual([
      { bytes: 6, start: 13, end: 20 },
      { bytes: 6, start: 23, end: 31 },
    ]);
    expect(r.consumed).toBe(31);
  });

  it('stops keeping an oversized line as soon as it is too long, and reports it when its newline arrives', () => {
    let state = EMPTY_SPLITTER_STATE;
    for (let i = 0; i < 10; i++) {
      const r = splitChunk(state, Buffer.alloc(100, 0x78), 150);
      expect(r.lines).toEqual([]);
      state = r.state;
      expect(state.pending.length).toBeLessThanOrEqual(151);
    }
    expect(state.skipping).toBe(true);
    expect(state.pending.length).toBe(0);
    expect(state.pendingBytes).toBe(1000);
    const r = splitChunk(state, b('x\r\nnext\n'), 150);
    expect(r.oversized).toEqual([{ bytes: 1001, start: -1000, end: 3 }]);
    expect(r.lines).toEqual(['next']);
  });

  it('decodes a multi-byte character cut by a chunk boundary', () => {
    const data = b('héllo 😀\n');
    for (let cut = 1; cut < data.length; cut++) {
      expect(splitInChunks(data, [cut], 100).lines).toEqual(['héllo 😀']);
    }
  });

  it('rejects a non-positive maxLineBytes', () => {
    expect(() => splitChunk(EMPTY_SPLITTER_STATE, b('a\n'), 0)).toThrow(RangeError);
  });

  it('gives the same result however the input is cut into chunks', () => {
    const token = fc.constantFrom('a', 'bc', '{"x":1}', 'é', '😀', '\n', '\r', '\r\n', '\n\n', 'xxxxxxxxxx');
    fc.assert(
      fc.property(
        fc.array(token, { maxLength: 60 }).map((ts) => b(ts.join(''))),
        fc.array(fc.nat(400), { maxLength: 30 }),
        fc.integer({ min: 1, max: 24 }),
        (data, cuts, maxLineBytes) => {
          const got = splitInChunks(data, cuts, maxLineBytes);
          const want = reference(data, maxLineBytes);
          expect(got.lines).toEqual(want.lines);
          expect(got.ends).toEqual(want.ends);
          expect(got.oversized).toEqual(want.oversized);
          expect(got.consumed).toBe(want.consumed);
          expect(got.state.pendingBytes).toBe(want.pendingBytes);
          expect(got.maxPending).toBeLessThanOrEqual(maxLineBytes + 1);
        },
      ),
      { numRuns: 500 },
    );
  });
});
