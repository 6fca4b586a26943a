/**
 * Errors of the router host, as `crossbar.error.*` WampErrors with a message.
 * @module
 */
import { CrossbarErrors, WampError } from '@cdc/protocol';
import { ConfigError } from '@cdc/config';

export function noSuchObject(what: string, id: string): WampError {
  return WampError.of(CrossbarErrors.NO_SUCH_OBJECT, `no ${what} "${id}"`);
}

export function alreadyRunning(what: string, id: string): WampError {
  return WampError.of(CrossbarErrors.ALREADY_RUNNING, `${what} "${id}" is running already`);
}

/** A ConfigError as the WampError the management API returns. */
export function configError(e: ConfigError): WampError {
  return new WampError(CrossbarErrors.INVALID_CONFIGURATION, [e.message], { issues: e.issues });
}

/** Run `f`, turning ConfigErrors into `crossbar.error.invalid_configuration`. */
export function asWamp<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof ConfigError) throw configError(e);
    throw e;
  }
}
