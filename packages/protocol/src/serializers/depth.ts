/**
 * A cap on how deeply a received message nests, checked on the bytes before they are
 * decoded. The decoders (msgpackr, cbor-x) and everything that later walks a payload
 * (encoders for other serializers, `JSON.stringify`) recurse, so a 100,000-deep array would
 * overflow the stack; these scanners are loops with no recursion of their own.
 *
 * Nesting `n` deep takes at least `n` bytes (JSON: `n` brackets; MessagePack and CBOR: a
 * header byte per container), so a message no longer than the cap is not scanned at all:
 * most WAMP messages are short.
 * @module
 */

/** The deepest nesting a decoded message may have (containers inside containers). */
export const MAX_NESTING_DEPTH = 128;

/** A message nested deeper than {@link MAX_NESTING_DEPTH}; refused before decoding. */
export class NestingDepthError extends Error {
  constructor(readonly limit: number) {
    super(`message nested deeper than ${limit} levels`);
    this.name = 'NestingDepthError';
  }
}

/**
 * Throw {@link NestingDepthError} when JSON `text` nests deeper than `max`. Given as UTF-8
 * bytes (what sockets deliver) it scans bytes, which is several times faster than
 * characters of a string; the structural characters, quote and backslash are ASCII and
 * never part of a multi-byte sequence, so both scans see the same.
 */
export function checkJsonDepth(text: string | Uint8Array, max = MAX_NESTING_DEPTH): void {
  if (text.length <= max) return;
  if (typeof text !== 'string') {
    jsonBytesDepth(text, max);
    return;
  }
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) throw new NestingDepthError(max);
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
}

function jsonBytesDepth(b: Uint8Array, max: number): void {
  let depth = 0;
  const n = b.length;
  for (let i = 0; i < n; i++) {
    const c = b[i] ?? 0;
    if (c === 0x22) {
      // Skip the string with a native search for its closing quote (one not escaped: an
      // even number of backslashes before it).
      for (;;) {
        const q = b.indexOf(0x22, i + 1);
        if (q === -1) return;
        let k = q - 1;
        while (b[k] === 0x5c) k--;
        i = q;
        if ((q - 1 - k) % 2 === 0) break;
      }
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) throw new NestingDepthError(max);
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
}

function uint(b: Uint8Array, at: number, n: number): number {
  let v = 0;
  for (let i = 0; i < n; i++) v = v * 256 + (b[at + i] ?? 0);
  return v;
}

/**
 * Close finished containers after one complete item: the innermost container's count of
 * remaining items drops; a container that reaches zero is itself a finished item of its
 * parent. Indefinite containers (CBOR, -1) end only at a break. True when the top value is done.
 */
function itemDone(stack: number[]): boolean {
  while (stack.length > 0) {
    const top = stack.length - 1;
    const left = stack[top] ?? 0;
    if (left === -1) return false;
    if (left > 1) {
      stack[top] = left - 1;
      return false;
    }
    stack.pop();
  }
  return true;
}

/** Throw {@link NestingDepthError} when MessagePack `b` nests deeper than `max`. */
export function checkMsgpackDepth(b: Uint8Array, max = MAX_NESTING_DEPTH): void {
  if (b.length <= max) return;
  const stack: number[] = [];
  let pos = 0;
  while (pos < b.length) {
    const t = b[pos++] ?? 0;
    let children = 0;
    if (t <= 0x7f || t >= 0xe0 || (t >= 0xc0 && t <= 0xc3)) {
      // fixint, nil, bool: no payload
    } else if (t <= 0x8f) children = (t & 0x0f) * 2;
    else if (t <= 0x9f) children = t & 0x0f;
    else if (t <= 0xbf) pos += t & 0x1f;
    else if (t <= 0xc6) {
      const n = 1 << (t - 0xc4);
      pos += n + uint(b, pos, n);
    } else if (t <= 0xc9) {
      const n = 1 << (t - 0xc7);
      pos += n + 1 + uint(b, pos, n);
    } else if (t === 0xca) pos += 4;
    else if (t === 0xcb) pos += 8;
    else if (t <= 0xcf) pos += 1 << (t - 0xcc);
    else if (t <= 0xd3) pos += 1 << (t - 0xd0);
    else if (t <= 0xd8) pos += 1 + (1 << (t - 0xd4));
    else if (t <= 0xdb) {
      const n = 1 << (t - 0xd9);
      pos += n + uint(b, pos, n);
    } else if (t <= 0xdd) {
      const n = t === 0xdc ? 2 : 4;
      children = uint(b, pos, n);
      pos += n;
    } else {
      const n = t === 0xde ? 2 : 4;
      children = uint(b, pos, n) * 2;
      pos += n;
    }
    if (children > 0) {
      if (stack.length >= max) throw new NestingDepthError(max);
      stack.push(children);
    } else if (itemDone(stack)) return;
  }
}

/** Throw {@link NestingDepthError} when CBOR `b` nests deeper than `max` (tags count as a level). */
export function checkCborDepth(b: Uint8Array, max = MAX_NESTING_DEPTH): void {
  if (b.length <= max) return;
  const stack: number[] = [];
  let pos = 0;
  while (pos < b.length) {
    const ib = b[pos++] ?? 0;
    const major = ib >> 5;
    const ai = ib & 0x1f;
    if (major === 7 && ai === 31) {
      // A break ends the innermost indefinite container, which is then a finished item.
      if (stack[stack.length - 1] !== -1) return; // malformed: the decoder will say so
      stack.pop();
      if (itemDone(stack)) return;
      continue;
    }
    let arg = ai;
    if (ai === 24) arg = uint(b, pos, 1);
    else if (ai === 25) arg = uint(b, pos, 2);
    else if (ai === 26) arg = uint(b, pos, 4);
    else if (ai === 27) arg = uint(b, pos, 8);
    if (ai >= 24 && ai <= 27) pos += 1 << (ai - 24);
    const indefinite = ai === 31;
    let children = 0;
    if (major === 2 || major === 3) {
      if (indefinite) children = -1;
      else pos += arg;
    } else if (major === 4) children = indefinite ? -1 : arg;
    else if (major === 5) children = indefinite ? -1 : arg * 2;
    else if (major === 6) children = 1;
    if (children !== 0) {
      if (stack.length >= max) throw new NestingDepthError(max);
      stack.push(children);
    } else if (itemDone(stack)) return;
  }
}
