/**
 * Splitting a byte stream into lines, one chunk at a time.
 *
 * Pure: `splitChunk(state, chunk, maxLineBytes)` returns the complete lines found in `chunk` (given the
 * unterminated line carried over in `state`) and the new state; neither argument is modified.
 *
 * Rules:
 * - Lines end with `\n`; a `\r` right before the `\n` is removed too (CRLF files).
 * - A line is only returned once its `\n` has arrived: the unterminated tail of a chunk is carried in the state.
 * - Empty lines (nothing between two newlines, or only a `\r`) are skipped.
 * - A line whose content (without `\r\n`) is longer than `maxLineBytes` is skipped and reported in `oversized`.
 *   The carried bytes never exceed `maxLineBytes + 1` (room for a trailing `\r`): as soon as the unterminated
 *   line grows past that, its bytes are dropped and only counted until its newline arrives.
 * - Splitting is on the byte 0x0A, which never occurs inside a multi-byte UTF-8 sequence, so a character cut
 *   by a chunk boundary is decoded whole. Invalid UTF-8 is decoded with U+FFFD replacement characters.
 *
 * Every position in the result is an offset into `chunk` just past a `\n`, so that a caller that knows where the
 * chunk starts in the file can tell the exact file offset at which each line ends.
 */

export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;

const LF = 0x0a;
const CR = 0x0d;

export interface SplitterState {
  /** Kept bytes of the current unterminated line (empty while `skipping`). At most `maxLineBytes + 1` bytes. */
  readonly pending: Buffer;
  /** Total bytes of the current unterminated line seen so far, including bytes dropped while `skipping`. */
  readonly pendingBytes: number;
  /** True once the current unterminated line is known to be oversized: its bytes are counted, not kept. */
  readonly skipping: boolean;
  /** Whether the last byte of the current unterminated line is `\r` (needed to measure a skipped CRLF line). */
  readonly endsWithCR: boolean;
}

export const EMPTY_SPLITTER_STATE: SplitterState = Object.freeze({
  pending: Buffer.alloc(0),
  pendingBytes: 0,
  skipping: false,
  endsWithCR: false,
});

export interface OversizedLine {
  /** Length of the line's content in bytes, without the `\n` and a trailing `\r`. */
  bytes: number;
  /** Offset in the chunk where the line starts; negative when it started in an earlier chunk. */
  start: number;
  /** Offset in the chunk just past the line's `\n`. */
  end: number;
}

export interface SplitResult {
  /** Complete, non-empty lines in order, without their line ending. */
  lines: string[];
  /** `ends[i]` is the offset in the chunk just past the `\n` of `lines[i]`. */
  ends: number[];
  /** Lines skipped because they were longer than `maxLineBytes`. */
  oversized: OversizedLine[];
  /** Offset in the chunk just past its last `\n` (0 if it has none): everything before it has been dealt with. */
  consumed: number;
  /** State to pass with the next chunk. */
  state: SplitterState;
}

export function splitChunk(state: SplitterState, chunk: Buffer, maxLineBytes: number = DEFAULT_MAX_LINE_BYTES): SplitResult {
  if (!Number.isInteger(maxLineBytes) || maxLineBytes < 1) {
    throw new RangeError(`maxLineBytes must be a positive integer (got ${maxLineBytes})`);
  }
  const lines: string[] = [];
  const ends: number[] = [];
  const oversized: OversizedLine[] = [];
  let consumed = 0;

  // The unterminated line carried over from earlier chunks; reset after the first newline of this chunk.
  let carried = state.pending;
  let carriedBytes = state.pendingBytes;
  let skipping = state.skipping;
  let carriedEndsWithCR = state.endsWithCR;

  let start = 0;
  while (start <= chunk.length) {
    const nl = chunk.indexOf(LF, start);
    if (nl === -1) break;
    const end = nl + 1;
    const ownBytes = nl - start;
    const totalBytes = carriedBytes + ownBytes;
    const endsWithCR = ownBytes > 0 ? chunk[nl - 1] === CR : carriedEndsWithCR;
    const contentBytes = endsWithCR ? totalBytes - 1 : totalBytes;

    if (skipping || contentBytes > maxLineBytes) {
      oversized.push({ bytes: contentBytes, start: start - carriedBytes, end });
    } else if (contentBytes > 0) {
      if (carried.length === 0) {
        lines.push(chunk.toString('utf8', start, start + contentBytes));
      } else {
        const whole = Buffer.concat([carried, chunk.subarray(start, nl)]);
        lines.push(whole.toString('utf8', 0, contentBytes));
      }
      ends.push(end);
    }
    consumed = end;
    carried = EMPTY_SPLITTER_STATE.pending;
    carriedBytes = 0;
    skipping = false;
    carriedEndsWithCR = false;
    start = end;
  }

  // The tail after the last newline starts (or continues) the unterminated line.
  const tail = chunk.subarray(start);
  if (tail.length === 0) {
    return { lines, ends, oversized, consumed, state: { pending: carried, pendingBytes: carriedBytes, skipping, endsWithCR: carriedEndsWithCR } };
  }
  const pendingBytes = carriedBytes + tail.length;
  const endsWithCR = tail[tail.length - 1] === CR;
  if (skipping || pendingBytes > maxLineBytes + 1) {
    return {
      lines,
      ends,
      oversized,
      consumed,
      state: { pending: EMPTY_SPLITTER_STATE.pending, pendingBytes, skipping: true, endsWithCR },
    };
  }
  // Copy: the caller may reuse the chunk's memory for the next read.
  const pending = carried.length === 0 ? Buffer.from(tail) : Buffer.concat([carried, tail]);
  return { lines, ends, oversized, consumed, state: { pending, pendingBytes, skipping: false, endsWithCR } };
}
