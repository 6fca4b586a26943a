/**
 * Name rules shared by every config and API check (SPEC §3).
 * @module
 */

/** IDs of nodes, workers, realms, roles, transports and components. */
export const ID_PATTERN = '^[a-z0-9][a-z0-9_\\-]{0,63}$';
/** WAMP realm names (autobahn's rule). */
export const REALM_NAME_PATTERN = '^[A-Za-z][A-Za-z0-9_\\-@.]{2,254}$';
/** A loose WAMP URI, or an empty string / pattern with empty components. */
export const URI_PATTERN_PATTERN = '^(([^\\s.#]+\\.)|\\.)*([^\\s.#]+)?$';
/** A concrete WAMP URI. */
export const URI_STRICT_PATTERN = '^([^\\s.#]+\\.)*([^\\s.#]+)$';

export const ID_RE = new RegExp(ID_PATTERN);
export const REALM_NAME_RE = new RegExp(REALM_NAME_PATTERN);

export function isValidId(id: string): boolean {
  return ID_RE.test(id);
}
