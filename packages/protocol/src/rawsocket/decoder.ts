/**
 * A streaming RawSocket frame decoder: feed it whatever the socket delivers (one byte at
 * a time works), and it calls its sink once per complete frame. A frame that lies whole
 * inside one chunk is passed as a view into that chunk (no copy); only frames split
 * across chunks are assembled into their own buffer, allocated once at the announced size.
 * @module
 */
import { PayloadSizeError } from '../transport.js';
import { RawSocketFrameError } from './errors.js';
import { FRAME_HEADER_LENGTH, FrameType } from './frame.js';
import { RAWSOCKET_MAX_LENGTH } from './handshake.js';

/** Receives decoded frames. An object, not a closure, so a transport can be its own sink. */
export interface FrameSink {
  /**
   * One frame. `payload` may be a view into the chunk passed to `push`: copy it if it must
   * outlive a chunk that the caller reuses (Node socket chunks are never reused).
   */
  onFrame(type: FrameType, payload: Uint8Array): void;
}

export class FrameDecoder {
  /** Header bytes collected so far (0–3) while a header is split across chunks. */
  private headerFill = 0;
  private header = 0;
  /** The type and remaining length of the frame whose payload is being assembled. */
  private type: FrameType = FrameType.WAMP;
  private partial: Uint8Array | undefined;
  private partialFill = 0;
  private failure: Error | undefined;

  /**
   * @param maxLength the largest payload accepted: the limit this side announced in the
   *   handshake. Larger frames raise PayloadSizeError before any of their payload is read.
   */
  constructor(
    readonly maxLength: number,
    private readonly sink: FrameSink,
  ) {}

  /** True while a frame has been started but not completed. */
  get midFrame(): boolean {
    return this.headerFill !== 0 || this.partial !== undefined;
  }

  /**
   * Decode `chunk`, calling the sink for each complete frame.
   * @throws RawSocketFrameError or PayloadSizeError; the decoder then stays failed, since
   *   the stream can no longer be resynchronized.
   */
  push(chunk: Uint8Array): void {
    if (this.failure !== undefined) throw this.failure;
    const end = chunk.length;
    let pos = 0;
    while (pos < end) {
      const partial = this.partial;
      if (partial !== undefined) {
        const take = Math.min(partial.length - this.partialFill, end - pos);
        partial.set(chunk.subarray(pos, pos + take), this.partialFill);
        this.partialFill += take;
        pos += take;
        if (this.partialFill === partial.length) {
          this.partial = undefined;
          this.sink.onFrame(this.type, partial);
        }
        continue;
      }
      let length: number;
      if (this.headerFill === 0 && end - pos >= FRAME_HEADER_LENGTH) {
        // Fast path: the whole header is here.
        length = this.parseHeader(
          ((chunk[pos] ?? 0) << 24) |
            ((chunk[pos + 1] ?? 0) << 16) |
            ((chunk[pos + 2] ?? 0) << 8) |
            (chunk[pos + 3] ?? 0),
        );
        pos += FRAME_HEADER_LENGTH;
      } else {
        this.header = (this.header << 8) | (chunk[pos++] ?? 0);
        if (++this.headerFill < FRAME_HEADER_LENGTH) continue;
        this.headerFill = 0;
        length = this.parseHeader(this.header);
        this.header = 0;
      }
      if (end - pos >= length) {
        this.sink.onFrame(this.type, chunk.subarray(pos, pos + length));
        pos += length;
      } else {
        this.partial = new Uint8Array(length);
        this.partialFill = 0;
      }
    }
  }

  /** Validate a header (as a signed 32-bit number) and return its payload length. */
  private parseHeader(header: number): number {
    const first = header >>> 24;
    if ((first & 0xf0) !== 0)
      return this.fail(
        new RawSocketFrameError('reserved-bits', 'RawSocket frame header uses reserved bits'),
      );
    const type = first & 0x07;
    if (type > FrameType.PONG)
      return this.fail(
        new RawSocketFrameError('unknown-type', `unknown RawSocket frame type ${type}`),
      );
    let length = header & 0xffffff;
    if ((first & 0x08) !== 0) {
      if (length !== 0)
        return this.fail(
          new RawSocketFrameError(
            'invalid-length',
            'RawSocket frame sets the 2^24 length bit with other length bits',
          ),
        );
      length = RAWSOCKET_MAX_LENGTH;
    }
    if (length > this.maxLength) return this.fail(new PayloadSizeError(length, this.maxLength));
    this.type = type as FrameType;
    return length;
  }

  private fail(error: Error): never {
    this.failure = error;
    throw error;
  }
}
