/**
 * The logger contract every package logs through: the subset of pino's API CDC uses, so
 * libraries take a logger without depending on pino (the CLI and the processes make one).
 * @module
 */

export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
