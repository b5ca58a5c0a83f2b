// Kafka protocol primitives (big-endian ints, classic and "compact" flexible encodings, tagged fields), enough for
// the few requests the agents send. Pure: bytes in, values out; no sockets here.

// Builds a request body; grows as needed.
export class Writer {
  #buf = new Uint8Array(64);
  #view = new DataView(this.#buf.buffer);
  #len = 0;

  // Grow to fit n more bytes, then let `write` fill them at the current end.
  #put(n: number, write: (view: DataView, at: number) => void): this {
    this.#room(n);
    write(this.#view, this.#len);
    this.#len += n;
    return this;
  }
  #room(n: number): void {
    if (this.#len + n <= this.#buf.length) return;
    const next = new Uint8Array(Math.max(this.#buf.length * 2, this.#len + n));
    next.set(this.#buf);
    this.#buf = next;
    this.#view = new DataView(next.buffer);
  }

  int8(v: number): this {
    return this.#put(1, (d, at) => d.setInt8(at, v));
  }
  int16(v: number): this {
    return this.#put(2, (d, at) => d.setInt16(at, v));
  }
  int32(v: number): this {
    return this.#put(4, (d, at) => d.setInt32(at, v));
  }
  bool(v: boolean): this {
    return this.int8(v ? 1 : 0);
  }
  uvarint(v: number): this {
    let n = v >>> 0;
    while (n >= 0x80) {
      this.int8((n & 0x7f) | 0x80);
      n >>>= 7;
    }
    return this.int8(n);
  }
  bytes(b: Uint8Array): this {
    return this.#put(b.length, (_, at) => this.#buf.set(b, at));
  }
  /** Classic nullable string: int16 length, -1 for null. */
  string(s: string | null): this {
    if (s === null) return this.int16(-1);
    const b = new TextEncoder().encode(s);
    return this.int16(b.length).bytes(b);
  }
  /** Compact string: uvarint length + 1, 0 for null. */
  compactString(s: string | null): this {
    if (s === null) return this.uvarint(0);
    const b = new TextEncoder().encode(s);
    return this.uvarint(b.length + 1).bytes(b);
  }
  compactArrayLength(n: number | null): this {
    return this.uvarint(n === null ? 0 : n + 1);
  }
  /** A Kafka Uuid: 16 raw bytes. */
  uuid(b: Uint8Array): this {
    if (b.length !== 16) throw new WireError(`a Uuid has 16 bytes, got ${b.length}`);
    return this.bytes(b);
  }
  /** An empty tagged-field section. */
  noTags(): this {
    return this.uvarint(0);
  }
  done(): Uint8Array {
    return this.#buf.slice(0, this.#len);
  }
}

// Thrown when a response is shorter or stranger than its schema; the caller turns it into "cannot tell".
export class WireError extends Error {
  override name = 'WireError';
}

// Reads a response body; every read checks bounds.
export class Reader {
  readonly #view: DataView;
  #pos = 0;

  constructor(bytes: Uint8Array) {
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  #need(n: number): number {
    if (this.#pos + n > this.#view.byteLength) throw new WireError(`response truncated at byte ${this.#pos} (needed ${n} more)`);
    const at = this.#pos;
    this.#pos += n;
    return at;
  }

  get remaining(): number {
    return this.#view.byteLength - this.#pos;
  }
  int8(): number {
    return this.#view.getInt8(this.#need(1));
  }
  int16(): number {
    return this.#view.getInt16(this.#need(2));
  }
  uint16(): number {
    return this.#view.getUint16(this.#need(2));
  }
  int32(): number {
    return this.#view.getInt32(this.#need(4));
  }
  int64(): bigint {
    return this.#view.getBigInt64(this.#need(8));
  }
  bool(): boolean {
    return this.int8() !== 0;
  }
  uvarint(): number {
    let value = 0;
    for (let shift = 0; shift <= 28; shift += 7) {
      const b = this.#view.getUint8(this.#need(1));
      value |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) return value >>> 0;
    }
    throw new WireError('varint longer than 5 bytes');
  }
  raw(n: number): Uint8Array {
    const at = this.#need(n);
    return new Uint8Array(this.#view.buffer, this.#view.byteOffset + at, n);
  }
  string(): string | null {
    const n = this.int16();
    return n < 0 ? null : new TextDecoder().decode(this.raw(n));
  }
  compactString(): string | null {
    const n = this.uvarint();
    return n === 0 ? null : new TextDecoder().decode(this.raw(n - 1));
  }
  uuid(): Uint8Array {
    return this.raw(16);
  }
  /** Element count of a compact array, -1 for null. */
  compactArrayLength(): number {
    return this.uvarint() - 1;
  }
  /** Classic array: int32 count, -1 for null. */
  arrayLength(): number {
    return this.int32();
  }
  /** Skip a tagged-field section (the agents read no tagged fields). */
  skipTags(): void {
    const count = this.uvarint();
    for (let i = 0; i < count; i++) {
      this.uvarint();
      this.raw(this.uvarint());
    }
  }
}
