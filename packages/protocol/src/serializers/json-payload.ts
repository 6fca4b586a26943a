/**
 * A message's payload (`Arguments` and, if any, `ArgumentsKw`) kept as the JSON text it
 * arrived in, so that a router can hand it on without parsing it and serializing it again.
 *
 * Why: a realm backend answers `get_nodes@3` over a fleet with megabytes of JSON; parsing
 * and re-serializing it in the center's router took most of the call's time. The backend's
 * IPC transport sends a YIELD's payload as separate text, the router's takes it as a
 * `JsonPayload` in the last element of the message, the JSON serializer splices the text
 * into what it sends, and anything else (binary serializers, in-process peers, the router's
 * own internal calls) expands it first (`expandJsonPayload`, `parseJsonPayload` in json.ts).
 * @module
 */
export class JsonPayload {
  /** @param text a JSON array of the payload elements, `[args]` or `[args,kwargs]`. */
  constructor(readonly text: string) {}
}
