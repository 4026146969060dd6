/**
 * Splits a byte stream into lines of at most `maxBytes`, holding no more than that: a longer line
 * is skipped to its end, and reported with the JSON-RPC id it carried (found by a scan of constant
 * memory, since a client writes `id` anywhere — the SDK's Client writes it after the params).
 */

/** What a chunk of input yields: whole lines, and the lines that were too long. */
export type LineEvent =
  | { kind: "line"; text: string }
  | { kind: "oversize"; bytes: number; id: string | number | null; notification: boolean };

const NL = 0x0a;

/**
 * Finds the top-level `"id"` of a JSON object read byte by byte, keeping a few bytes at most.
 * `id` is the id when it was a string or a number; `complete` tells whether the object ended.
 */
class TopLevelIdScanner {
  private depth = 0;
  private inString = false;
  private escaped = false;
  private expectKey = false;
  private key: number[] | null = null;
  private lastKey: string | null = null;
  private value: number[] | null = null;
  private done = false;
  id: string | number | null = null;
  sawId = false;
  complete = false;

  feed(bytes: Uint8Array, from = 0, to = bytes.length): void {
    for (let i = from; i < to; i++) this.byte(bytes[i]!);
  }

  private byte(b: number): void {
    if (this.complete) return;
    if (this.value) {
      if (this.value.length > 300)
        this.value = null; // no id is that long: give up on it
      else this.value.push(b);
    }
    if (this.inString) {
      if (this.escaped) this.escaped = false;
      else if (b === 0x5c) this.escaped = true;
      else if (b === 0x22) {
        this.inString = false;
        // A key longer than 8 bytes stopped being kept: it is not "id".
        if (this.key) this.lastKey = this.key.length > 8 ? null : String.fromCharCode(...this.key);
        this.key = null;
      } else if (this.key && this.key.length <= 8) this.key.push(b);
      return;
    }
    switch (b) {
      case 0x22: // "
        this.inString = true;
        if (this.depth === 1 && this.expectKey) this.key = [];
        this.expectKey = false;
        break;
      case 0x7b: // {
      case 0x5b: // [
        this.depth++;
        if (this.depth === 1) this.expectKey = b === 0x7b;
        break;
      case 0x7d: // }
      case 0x5d: // ]
        if (this.depth === 1) this.endValue();
        this.depth--;
        if (this.depth === 0) this.complete = true;
        break;
      case 0x2c: // ,
        if (this.depth === 1) {
          this.endValue();
          this.expectKey = true;
        }
        break;
      case 0x3a: // :
        if (this.depth === 1 && this.lastKey === "id" && !this.done) {
          this.sawId = true;
          this.value = [];
        }
        this.lastKey = null;
        break;
    }
  }

  private endValue(): void {
    if (!this.value) return;
    const text = Buffer.from(this.value.slice(0, -1)).toString("utf8").trim();
    this.value = null;
    this.done = true;
    try {
      const v: unknown = JSON.parse(text);
      if (typeof v === "string" || typeof v === "number") this.id = v;
    } catch {
      /* not a valid id: the answer carries null */
    }
  }
}

/**
 * Feed it chunks; it returns the lines they complete (a trailing "\r" dropped) and the skipped
 * over-long lines.
 * @example new BoundedLines(1024).push(Buffer.from('{"a":1}\n')) // [{kind: "line", text: '{"a":1}'}]
 */
export class BoundedLines {
  private parts: Buffer[] = [];
  private size = 0;
  /** Set while skipping an over-long line: what it has seen of it. */
  private skipping: { bytes: number; scan: TopLevelIdScanner } | null = null;

  constructor(readonly maxBytes: number) {}

  push(chunk: Buffer): LineEvent[] {
    const out: LineEvent[] = [];
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(NL, start);
      const end = nl === -1 ? chunk.length : nl;
      if (this.skipping) {
        this.skipping.bytes += end - start;
        this.skipping.scan.feed(chunk, start, end);
      } else if (this.size + (end - start) > this.maxBytes) {
        // Over the limit: what was kept goes to the scanner, and the rest of the line is only scanned.
        const scan = new TopLevelIdScanner();
        for (const p of this.parts) scan.feed(p);
        scan.feed(chunk, start, end);
        this.skipping = { bytes: this.size + (end - start), scan };
        this.parts = [];
        this.size = 0;
      } else if (end > start) {
        this.parts.push(chunk.subarray(start, end));
        this.size += end - start;
      }
      if (nl === -1) break;
      out.push(this.endLine());
      start = nl + 1;
    }
    return out;
  }

  private endLine(): LineEvent {
    if (this.skipping) {
      const { bytes, scan } = this.skipping;
      this.skipping = null;
      return { kind: "oversize", bytes, id: scan.id, notification: scan.complete && !scan.sawId };
    }
    const text = Buffer.concat(this.parts, this.size).toString("utf8").replace(/\r$/, "");
    this.parts = [];
    this.size = 0;
    return { kind: "line", text };
  }
}
