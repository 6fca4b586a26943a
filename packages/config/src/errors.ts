/**
 * Config validation errors: every one names the path of the bad field.
 * @module
 */

export interface ConfigIssue {
  /** Where, e.g. `workers[0].transports[1].endpoint.port`. */
  path: string;
  message: string;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
  readonly uri = 'crossbar.error.invalid_configuration';

  constructor(
    readonly issues: ConfigIssue[],
    readonly source?: string,
  ) {
    const where = source !== undefined ? ` in ${source}` : '';
    super(
      `invalid configuration${where}: ` +
        issues.map((i) => `${i.path === '' ? '(root)' : i.path}: ${i.message}`).join('; '),
    );
  }
}

/** JSON Pointer (`/workers/0/id`) → `workers[0].id`. */
export function pointerToPath(pointer: string): string {
  if (pointer === '') return '';
  return pointer
    .slice(1)
    .split('/')
    .map((seg) => seg.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce(
      (acc, seg) => (/^\d+$/.test(seg) ? `${acc}[${seg}]` : acc === '' ? seg : `${acc}.${seg}`),
      '',
    );
}
