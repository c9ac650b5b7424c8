/**
 * An exposition body written as UTF-8 straight into one growing buffer, a series (or a family)
 * at a time: no string of the whole body is ever built, flattened and then encoded again, which
 * for 100,000 series is most of what a scrape costs.
 */
export class BodyWriter {
  private buffer: Buffer;
  private length = 0;

  constructor(initialBytes = 64 * 1024) {
    this.buffer = Buffer.allocUnsafe(initialBytes);
  }

  write(text: string): void {
    // At most 3 bytes per UTF-16 unit.
    const most = text.length * 3;
    if (this.length + most > this.buffer.length) this.grow(most);
    this.length += this.buffer.write(text, this.length, 'utf8');
  }

  /** The bytes written (a view of the writer's buffer: the writer is not used after this). */
  finish(): Buffer {
    return this.buffer.subarray(0, this.length);
  }

  private grow(extra: number): void {
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + extra));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }
}
