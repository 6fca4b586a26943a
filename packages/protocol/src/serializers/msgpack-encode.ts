/**
 * A MessagePack encoder for WAMP's value space (null, booleans, numbers, strings, byte
 * arrays, lists, maps). msgpackr decodes our input, but it writes integers beyond 32 bits
 * as float64 (and positive BigInts as int64), which Python peers read as floats; WAMP IDs
 * reach 2^53, so we encode the way the msgpack reference implementations do: the
 * smallest integer type that fits, uint64 for large positives.
 * @module
 */

const utf8 = new TextEncoder();

export class MsgpackEncoder {
  private buf = new Uint8Array(8192);
  private view = new DataView(this.buf.buffer);
  private pos = 0;

  encode(value: unknown): Uint8Array {
    this.pos = 0;
    this.write(value, 0);
    return this.buf.slice(0, this.pos);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  private write(v: unknown, depth: number): void {
    if (depth > 512) throw new RangeError('value nested too deeply to encode');
    switch (typeof v) {
      case 'string':
        return this.string(v);
      case 'number':
        return this.number(v);
      case 'boolean':
        this.ensure(1);
        this.buf[this.pos++] = v ? 0xc3 : 0xc2;
        return;
      case 'bigint':
        return this.bigint(v);
      case 'object':
        if (v === null) break;
        if (v instanceof Uint8Array) return this.bytes(v);
        if (Array.isArray(v)) {
          this.header(v.length, 0x90, 0xdc, 0xdd);
          for (const e of v) this.write(e, depth + 1);
          return;
        }
        return this.map(v as Record<string, unknown>, depth);
      default:
        break; // undefined, functions, symbols: nil, as JSON would write null in a list
    }
    this.ensure(1);
    this.buf[this.pos++] = 0xc0;
  }

  private header(n: number, fix: number, b16: number, b32: number): void {
    this.ensure(5);
    if (n < 16) this.buf[this.pos++] = fix | n;
    else if (n < 0x10000) {
      this.buf[this.pos++] = b16;
      this.view.setUint16(this.pos, n);
      this.pos += 2;
    } else {
      this.buf[this.pos++] = b32;
      this.view.setUint32(this.pos, n);
      this.pos += 4;
    }
  }

  private map(obj: Record<string, unknown>, depth: number): void {
    let n = 0;
    for (const k in obj) if (obj[k] !== undefined) n++;
    this.header(n, 0x80, 0xde, 0xdf);
    for (const k in obj) {
      const e = obj[k];
      if (e === undefined) continue;
      this.string(k);
      this.write(e, depth + 1);
    }
  }

  private string(s: string): void {
    // Worst case 3 bytes per UTF-16 unit, plus the header.
    const max = s.length * 3;
    this.ensure(max + 5);
    const headerAt = this.pos;
    const headerLen = max < 32 ? 1 : max < 0x100 ? 2 : max < 0x10000 ? 3 : 5;
    const { written } = utf8.encodeInto(s, this.buf.subarray(headerAt + headerLen));
    const n = written;
    // Re-place the bytes if the actual length needs a smaller header than reserved.
    const need = n < 32 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : 5;
    if (need !== headerLen)
      this.buf.copyWithin(headerAt + need, headerAt + headerLen, headerAt + headerLen + n);
    if (need === 1) this.buf[headerAt] = 0xa0 | n;
    else if (need === 2) {
      this.buf[headerAt] = 0xd9;
      this.buf[headerAt + 1] = n;
    } else if (need === 3) {
      this.buf[headerAt] = 0xda;
      this.view.setUint16(headerAt + 1, n);
    } else {
      this.buf[headerAt] = 0xdb;
      this.view.setUint32(headerAt + 1, n);
    }
    this.pos = headerAt + need + n;
  }

  private bytes(b: Uint8Array): void {
    this.ensure(b.length + 5);
    const n = b.length;
    if (n < 0x100) {
      this.buf[this.pos++] = 0xc4;
      this.buf[this.pos++] = n;
    } else if (n < 0x10000) {
      this.buf[this.pos++] = 0xc5;
      this.view.setUint16(this.pos, n);
      this.pos += 2;
    } else {
      this.buf[this.pos++] = 0xc6;
      this.view.setUint32(this.pos, n);
      this.pos += 4;
    }
    this.buf.set(b, this.pos);
    this.pos += n;
  }

  private number(n: number): void {
    this.ensure(9);
    if (!Number.isSafeInteger(n)) {
      this.buf[this.pos++] = 0xcb;
      this.view.setFloat64(this.pos, n);
      this.pos += 8;
      return;
    }
    if (n >= 0) {
      if (n < 0x80) this.buf[this.pos++] = n;
      else if (n < 0x100) {
        this.buf[this.pos++] = 0xcc;
        this.buf[this.pos++] = n;
      } else if (n < 0x10000) {
        this.buf[this.pos++] = 0xcd;
        this.view.setUint16(this.pos, n);
        this.pos += 2;
      } else if (n < 0x100000000) {
        this.buf[this.pos++] = 0xce;
        this.view.setUint32(this.pos, n);
        this.pos += 4;
      } else {
        this.buf[this.pos++] = 0xcf;
        this.view.setBigUint64(this.pos, BigInt(n));
        this.pos += 8;
      }
    } else if (n >= -32) this.buf[this.pos++] = n & 0xff;
    else if (n >= -0x80) {
      this.buf[this.pos++] = 0xd0;
      this.view.setInt8(this.pos++, n);
    } else if (n >= -0x8000) {
      this.buf[this.pos++] = 0xd1;
      this.view.setInt16(this.pos, n);
      this.pos += 2;
    } else if (n >= -0x80000000) {
      this.buf[this.pos++] = 0xd2;
      this.view.setInt32(this.pos, n);
      this.pos += 4;
    } else {
      this.buf[this.pos++] = 0xd3;
      this.view.setBigInt64(this.pos, BigInt(n));
      this.pos += 8;
    }
  }

  private bigint(n: bigint): void {
    this.ensure(9);
    if (n >= 0n && n < 1n << 64n) {
      this.buf[this.pos++] = 0xcf;
      this.view.setBigUint64(this.pos, n);
    } else if (n < 0n && n >= -(1n << 63n)) {
      this.buf[this.pos++] = 0xd3;
      this.view.setBigInt64(this.pos, n);
    } else {
      throw new RangeError('integer out of the 64-bit range');
    }
    this.pos += 8;
  }
}
