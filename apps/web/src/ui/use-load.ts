/**
 * Load something from the center for a page: its value, or the error as a readable line,
 * again on `reload()` and whenever the client reconnects (nothing shown outlives a drop).
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { Center } from '@cdc/sdk/browser';
import { client, conn, describe } from '../state/session.js';

export interface Loaded<T> {
  data: T | undefined;
  error: string | undefined;
  loading: boolean;
  reload: () => void;
}

export function useLoad<T>(load: (c: Center) => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const turn = useRef(0);
  const c = client.value;
  const connected = conn.value.status === 'connected';
  const reload = useCallback(() => {
    if (c === undefined || !connected) return;
    const mine = ++turn.current;
    setLoading(true);
    load(c).then(
      (v) => {
        if (turn.current !== mine) return;
        setData(v);
        setError(undefined);
        setLoading(false);
      },
      (e: unknown) => {
        if (turn.current !== mine) return;
        setData(undefined);
        setError(describe(e));
        setLoading(false);
      },
    );
  }, [c, connected, ...deps]);
  useEffect(() => {
    if (!connected) {
      // Whatever was shown may be stale now.
      setData(undefined);
      setError(undefined);
      setLoading(true);
      return;
    }
    reload();
  }, [reload, connected]);
  return { data, error, loading, reload };
}

/** Run an action (a start, a stop…): its error as a readable line, and whether it runs. */
export function useAction(): {
  busy: boolean;
  error: string | undefined;
  run: (f: () => Promise<unknown>, then?: () => void) => void;
} {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  return {
    busy,
    error,
    run(f, then) {
      setBusy(true);
      setError(undefined);
      f().then(
        () => {
          setBusy(false);
          then?.();
        },
        (e: unknown) => {
          setBusy(false);
          setError(describe(e));
          then?.();
        },
      );
    },
  };
}
