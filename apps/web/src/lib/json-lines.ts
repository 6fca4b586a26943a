/**
 * Where a value sits in a JSON text: the line (1-based) of every value by its path
 * (`transports[0].endpoint.port`), so the editor can put a config error at its field. A
 * small scanner over text that `JSON.parse` already accepted.
 */
export function jsonLines(text: string): Map<string, number> {
  const out = new Map<string, number>();
  let i = 0;
  let line = 1;
  const ws = (): void => {
    while (i < text.length && /\s/.test(text[i] as string)) if (text[i++] === '\n') line++;
  };
  const str = (): string => {
    const start = i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (path: string): void => {
    ws();
    out.set(path, line);
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      while (i < text.length && text[i] !== '}') {
        ws();
        const key = str();
        ws();
        i++; // ':'
        const keyLine = line;
        value(path === '' ? key : `${path}.${key}`);
        // A field is shown on the line of its key.
        out.set(path === '' ? key : `${path}.${key}`, keyLine);
        ws();
        if (text[i] === ',') i++;
        ws();
      }
      i++;
    } else if (c === '[') {
      i++;
      ws();
      let n = 0;
      while (i < text.length && text[i] !== ']') {
        value(`${path}[${n++}]`);
        ws();
        if (text[i] === ',') i++;
        ws();
      }
      i++;
    } else if (c === '"') str();
    else while (i < text.length && /[^,\]}\s]/.test(text[i] as string)) i++;
  };
  value('');
  return out;
}

/**
 * The line of an error path in `text`, trying shorter paths when the full one is not there
 * (the validator may name a field that is missing, or prefix the worker's place).
 */
export function lineOfPath(text: string, path: string): number | undefined {
  const lines = jsonLines(text);
  const parts = path
    .replace(/^\//, '')
    .split(/(?=\[)|\./)
    .filter((p) => p !== '');
  for (let from = 0; from < parts.length; from++)
    for (let to = parts.length; to > from; to--) {
      const p = parts.slice(from, to).join('.').replace(/\.\[/g, '[');
      const l = lines.get(p);
      if (l !== undefined) return l;
    }
  return undefined;
}
