/**
 * The protocol buffers wire format, as much of it as the exposition's fixed message set needs:
 * varints (unsigned and zigzag), doubles, strings and nested messages, written into one
 * growing buffer. A nested message's length is not known until it is written, so one byte is
 * kept for it and the message is moved up when its length needs more (a message over 127
 * bytes): most messages (labels, buckets, counters) fit, and a family moves once.
 */

const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;

export class ProtobufWriter {
  private buffer: Buffer;
  private length = 0;
  /** Where each open message's length byte is. */
  private readonly openings: number[] = [];

  constructor(initialBytes = 64 * 1024) {
    this.buffer = Buffer.allocUnsafe(initialBytes);
  }

  /** An unsigned varint field: a whole number from 0 to 2^53. */
  uint(field: number, value: number): void {
    this.ensure(11);
    this.rawVarint((field << 3) | VARINT);
    this.rawVarint(value);
  }

  /** A zigzag (sint32, sint64) field: a whole number of either sign within ±2^52. */
  sint(field: number, value: number): void {
    this.uint(field, value >= 0 ? value * 2 : -value * 2 - 1);
  }

  double(field: number, value: number): void {
    this.ensure(9);
    this.rawVarint((field << 3) | FIXED64);
    this.buffer.writeDoubleLE(value, this.length);
    this.length += 8;
  }

  string(field: number, value: string): void {
    // At most 3 bytes per UTF-16 unit, plus the tag and a length of up to 5 bytes.
    this.ensure(value.length * 3 + 7);
    this.rawVarint((field << 3) | LENGTH_DELIMITED);
    if (value.length < 43) {
      // At most 126 bytes: the length fits one byte, written after the text.
      const start = this.length++;
      const written = this.buffer.write(value, this.length, 'utf8');
      this.buffer[start] = written;
      this.length += written;
      return;
    }
    const bytes = Buffer.byteLength(value, 'utf8');
    this.rawVarint(bytes);
    this.length += this.buffer.write(value, this.length, 'utf8');
  }

  /** Bytes encoded before (fields of the message open now), copied as they are. */
  raw(bytes: Buffer): void {
    this.ensure(bytes.length);
    bytes.copy(this.buffer, this.length);
    this.length += bytes.length;
  }

  /** Opens a nested message in `field`; every `begin` is closed by one `end`. */
  begin(field: number): void {
    this.ensure(6);
    this.rawVarint((field << 3) | LENGTH_DELIMITED);
    this.openings.push(this.length++);
  }

  /** Opens a top-level message prefixed by its length, as the delimited stream frames each one. */
  beginDelimited(): void {
    this.ensure(1);
    this.openings.push(this.length++);
  }

  end(): void {
    const at = this.openings.pop()!;
    const size = this.length - at - 1;
    if (size < 0x80) {
      this.buffer[at] = size;
      return;
    }
    const extra = varintSize(size) - 1;
    this.ensure(extra);
    this.buffer.copyWithin(at + 1 + extra, at + 1, this.length);
    this.length += extra;
    const end = this.length;
    this.length = at;
    this.rawVarint(size);
    this.length = end;
  }

  /** The bytes written, as a buffer of their own. */
  finish(): Buffer {
    return Buffer.from(this.buffer.subarray(0, this.length));
  }

  private rawVarint(value: number): void {
    const buffer = this.buffer;
    // Beyond 32 bits, bit operators would truncate: peel 7 bits at a time with arithmetic.
    while (value > 0x7fffffff) {
      buffer[this.length++] = (value % 0x80) | 0x80;
      value = Math.floor(value / 0x80);
    }
    while (value > 0x7f) {
      buffer[this.length++] = (value & 0x7f) | 0x80;
      value >>>= 7;
    }
    buffer[this.length++] = value;
  }

  private ensure(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + extra));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }
}

function varintSize(value: number): number {
  let size = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 0x80);
    size++;
  }
  return size;
}
