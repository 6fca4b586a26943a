/**
 * The router config editor: the whole stored config as JSON; checked as JSON (and as an
 * object) before anything is sent; sent as the JSON Merge Patch from stored to edited
 * (`modify_router`). An `invalid_config` answer names the bad paths: each is shown with its
 * line, and the line is selected in the editor when the message is clicked.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { CdcErrors } from '@cdc/api';
import { CdcError } from '@cdc/sdk/browser';
import type { Center } from '@cdc/sdk/browser';
import { lineOfPath } from '../lib/json-lines.js';
import { mergePatchBetween } from '../lib/merge-patch.js';
import { pretty } from '../lib/format.js';
import { describe } from '../state/session.js';

interface FieldError {
  path: string;
  message: string;
  line: number | undefined;
}

function syntaxLine(text: string, e: unknown): number | undefined {
  const m = /position (\d+)/.exec(String(e));
  return m === null ? undefined : text.slice(0, Number(m[1])).split('\n').length;
}

export function ConfigEditor(props: {
  c: Center;
  node: string;
  router: string;
  stored: unknown;
  onSaved(): void;
}) {
  const [text, setText] = useState(() => pretty(props.stored));
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [message, setMessage] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const area = useRef<HTMLTextAreaElement>(null);
  useEffect(() => setText(pretty(props.stored)), [props.stored]);

  const goto = (line: number | undefined) => {
    const el = area.current;
    if (el === null || line === undefined) return;
    const lines = el.value.split('\n');
    const start = lines.slice(0, line - 1).join('\n').length + (line > 1 ? 1 : 0);
    el.focus();
    el.setSelectionRange(start, start + (lines[line - 1]?.length ?? 0));
  };

  const save = () => {
    setErrors([]);
    setMessage(undefined);
    let edited: unknown;
    try {
      edited = JSON.parse(text);
    } catch (e) {
      const line = syntaxLine(text, e);
      setErrors([{ path: '(JSON)', message: e instanceof Error ? e.message : String(e), line }]);
      return;
    }
    if (typeof edited !== 'object' || edited === null || Array.isArray(edited)) {
      setErrors([{ path: '(root)', message: 'a router config is a JSON object', line: 1 }]);
      return;
    }
    const patch = mergePatchBetween(props.stored, edited);
    if (patch === undefined) {
      setMessage('Nothing changed.');
      return;
    }
    setBusy(true);
    props.c.config.modifyRouter(props.node, props.router, patch as Record<string, unknown>).then(
      () => {
        setBusy(false);
        setMessage('Saved. Reload the router to apply it.');
        props.onSaved();
      },
      (e: unknown) => {
        setBusy(false);
        const err = CdcError.from(e);
        const issues = err.kwargs['issues'];
        if (err.is(CdcErrors.INVALID_CONFIG) && Array.isArray(issues) && issues.length > 0) {
          setErrors(
            (issues as { path: string; message: string }[]).map((i) => ({
              path: i.path === '' ? '(root)' : i.path,
              message: i.message,
              line: lineOfPath(text, i.path),
            })),
          );
        } else if (err.is(CdcErrors.INVALID_CONFIG)) {
          const path = /^([\w.[\]]+): /.exec(err.message)?.[1] ?? '(root)';
          setErrors([{ path, message: err.message, line: lineOfPath(text, path) }]);
        } else setMessage(describe(err));
      },
    );
  };

  return (
    <div class="editor">
      <textarea
        ref={area}
        value={text}
        spellcheck={false}
        rows={Math.min(30, Math.max(8, text.split('\n').length + 1))}
        aria-label="router config (JSON)"
        aria-invalid={errors.length > 0}
        data-testid="config-editor"
        onInput={(e) => setText(e.currentTarget.value)}
      />
      {errors.length > 0 && (
        <ul class="field-errors" role="alert">
          {errors.map((e, i) => (
            <li key={i} data-testid="field-error">
              <button class="link" onClick={() => goto(e.line)}>
                {e.line !== undefined ? `line ${e.line}` : 'config'}
              </button>{' '}
              <code>{e.path}</code>: {e.message}
            </li>
          ))}
        </ul>
      )}
      {message !== undefined && <p role="status">{message}</p>}
      <div class="row">
        <button disabled={busy} onClick={save} data-testid="save-config">
          Save (modify_router)
        </button>
        <button
          onClick={() => {
            setText(pretty(props.stored));
            setErrors([]);
          }}
        >
          Revert
        </button>
      </div>
    </div>
  );
}
