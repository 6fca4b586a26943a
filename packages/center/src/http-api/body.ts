/**
 * Reading a request's JSON body under the limits: at most `maxBytes` (413 past it, without
 * reading the rest), within the request deadline (408 for a client that trickles), and it
 * must be a JSON object whose `args` is a list and `kwargs` an object, both optional.
 * @module
 */
import type { IncomingMessage } from 'node:http';
import { WampErrors, isDict } from '@cdc/protocol';
import { apiError } from './status.js';
import type { ApiError } from './status.js';

export interface CallBody {
  args: unknown[];
  kwargs: Record<string, unknown>;
}

export class BodyError extends Error {
  constructor(readonly answer: ApiError) {
    super(String(answer.args[0]));
  }
}

function bad(message: string): BodyError {
  return new BodyError(apiError(400, WampErrors.INVALID_ARGUMENT, message));
}

export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > maxBytes) {
      reject(tooLarge(maxBytes));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > maxBytes) {
        req.removeAllListeners('data');
        req.pause();
        reject(tooLarge(maxBytes));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', (e) => reject(bad(`the request body could not be read: ${e.message}`)));
  });
}

function tooLarge(maxBytes: number): BodyError {
  return new BodyError(
    apiError(413, WampErrors.INVALID_ARGUMENT, `the request body is larger than ${maxBytes} bytes`),
  );
}

/** `{"args": [...], "kwargs": {...}}`, both optional; an empty body is `{}`. */
export function parseCallBody(raw: Buffer): CallBody {
  const text = raw.toString('utf8').trim();
  if (text === '') return { args: [], kwargs: {} };
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw bad(`the request body is not JSON: ${(e as Error).message}`);
  }
  if (!isDict(v))
    throw bad('the request body must be a JSON object {"args": [...], "kwargs": {...}}');
  for (const k of Object.keys(v))
    if (k !== 'args' && k !== 'kwargs')
      throw bad(`the request body has "${k}"; only "args" and "kwargs" are allowed`);
  const args = 'args' in v ? v['args'] : [];
  const kwargs = 'kwargs' in v ? v['kwargs'] : {};
  if (!Array.isArray(args)) throw bad('"args" must be a JSON array');
  if (!isDict(kwargs)) throw bad('"kwargs" must be a JSON object');
  return { args, kwargs };
}
