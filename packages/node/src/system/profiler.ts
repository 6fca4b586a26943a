/**
 * The worker profiler behind `get_profilers()`, `start_profiler(profiler, runtime)` and
 * `get_profile(profile_id)`: the V8 CPU profiler of the *current* process, driven through
 * `node:inspector`. `vmprof` (Crossbar.io's profiler) is accepted as an alias, so
 * Crossbar.io clients that ask for it get a V8 profile.
 *
 * A profile runs in the background for `runtime` seconds; one at a time per process, over
 * all `Profiler` instances (concurrent profiles would share V8's sampling interval and
 * skew each other). The raw profiles of the last few runs are kept,
 * so `get(id, {prunePercent, pruneLevel})` can summarize one as each caller wants.
 * @module
 */
import { Session } from 'node:inspector';
import { CrossbarErrors, WampError, errorMessage } from '@cdc/protocol';
import { featureUnavailable, invalidArgument, runtimeError } from './errors.js';
import { summarizeProfile } from './profile-summary.js';
import type { CpuProfile, ProfileSummary } from './profile-summary.js';

export interface ProfilerDescription {
  id: string;
  description: string;
  available: boolean;
  alias_of?: string;
}

export type ProfileStatus = 'running' | 'finished' | 'failed';

export interface ProfileRecord {
  id: number;
  /** The name it was started with (`v8` or `vmprof`). */
  profiler: string;
  /** Seconds. */
  runtime: number;
  /** ISO 8601 (UTC). */
  started: string;
  finished: string | null;
  status: ProfileStatus;
  error?: string;
  profile?: ProfileSummary;
}

export interface StartOptions {
  /** Called once the profile finished or failed, with its record (summary included). */
  onFinished?: (record: ProfileRecord) => void;
  /** Pruning for the summary handed to `onFinished`. */
  prunePercent?: number;
  pruneLevel?: number;
}

export interface GetOptions {
  prunePercent?: number;
  pruneLevel?: number;
}

interface Entry {
  record: ProfileRecord;
  raw?: CpuProfile;
  intervalUs: number;
}

const MAX_RUNTIME = 3600;
/** Finished profiles kept for `get()`: a 10 s profile is a few hundred KB raw. */
const KEEP = 10;
/** Sampling more often than this per profile would make long profiles huge. */
const MAX_SAMPLES = 100_000;

const PROFILERS: ProfilerDescription[] = [
  {
    id: 'v8',
    description: 'V8 CPU profiler (sampling, JavaScript and VM frames)',
    available: true,
  },
  {
    id: 'vmprof',
    alias_of: 'v8',
    description: 'Alias of v8, for Crossbar.io clients',
    available: true,
  },
];

/**
 * One inspector command. An in-process session answers synchronously, which lets `start()`
 * return a record at once and report a failing start as its own error.
 */
function post(session: Session, method: string, params: object = {}): unknown {
  const reply: { done: boolean; error: Error | null; result: unknown } = {
    done: false,
    error: null,
    result: undefined,
  };
  session.post(method, params, (error, result) => {
    reply.done = true;
    reply.error = error;
    reply.result = result;
  });
  if (!reply.done) throw new Error(`the inspector did not answer ${method} synchronously`);
  if (reply.error) throw reply.error;
  return reply.result;
}

function disconnect(session: Session): void {
  try {
    session.disconnect();
  } catch {
    // the session is gone either way
  }
}

interface Running {
  entry: Entry;
  session: Session;
  timer: NodeJS.Timeout;
  options: StartOptions;
}

/** The profile running in this process, whichever `Profiler` started it. */
let active: Running | undefined;

/** Runs V8 CPU profiles of this process, one at a time, and keeps the last few. */
export class Profiler {
  private readonly entries = new Map<number, Entry>();
  private nextId = 1;
  private running: Running | undefined;

  /** The profilers this process offers (`get_profilers()`). */
  profilers(): ProfilerDescription[] {
    return PROFILERS.map((p) => ({ ...p }));
  }

  /**
   * Starts a profile of `runtime` seconds (0 < runtime ≤ 3600) and returns its record at
   * once; it finishes in the background on an unref'd timer, so it does not keep the
   * process alive on its own.
   */
  start(profiler = 'v8', runtime = 10, options: StartOptions = {}): ProfileRecord {
    if (!PROFILERS.some((p) => p.id === profiler)) {
      throw invalidArgument(
        'profiler',
        `unknown profiler ${JSON.stringify(profiler)} (available: ${PROFILERS.map((p) => p.id).join(', ')})`,
      );
    }
    if (typeof runtime !== 'number' || !(runtime > 0 && runtime <= MAX_RUNTIME)) {
      throw invalidArgument('runtime', `must be a number of seconds > 0 and <= ${MAX_RUNTIME}`);
    }
    if (active) {
      throw WampError.of(
        CrossbarErrors.ALREADY_RUNNING,
        `profile ${active.entry.record.id} is running; one profile at a time`,
      );
    }
    // Sample every 1 ms, coarser for long runs so a profile stays below MAX_SAMPLES.
    const intervalUs = Math.max(1000, Math.ceil((runtime * 1e6) / MAX_SAMPLES));
    const session = new Session();
    try {
      session.connect();
      post(session, 'Profiler.enable');
      post(session, 'Profiler.setSamplingInterval', { interval: intervalUs });
      post(session, 'Profiler.start');
    } catch (err) {
      disconnect(session);
      throw featureUnavailable(`the V8 profiler cannot run in this process: ${String(err)}`);
    }
    const entry: Entry = {
      record: {
        id: this.nextId++,
        profiler,
        runtime,
        started: new Date().toISOString(),
        finished: null,
        status: 'running',
      },
      intervalUs,
    };
    const timer = setTimeout(() => this.finish(), runtime * 1000);
    timer.unref();
    this.running = { entry, session, timer, options };
    active = this.running;
    this.remember(entry);
    return { ...entry.record };
  }

  /** A profile's record, its summary pruned as asked (`get_profile(profile_id)`). */
  get(profileId: number, options: GetOptions = {}): ProfileRecord {
    const entry = this.entries.get(profileId);
    if (!entry) {
      throw WampError.of(CrossbarErrors.NO_SUCH_OBJECT, `no profile with ID ${profileId}`);
    }
    return this.view(entry, options);
  }

  /** The raw `.cpuprofile` of a finished profile (loadable in Chrome DevTools). */
  rawProfile(profileId: number): CpuProfile | undefined {
    return this.entries.get(profileId)?.raw;
  }

  /** Records of the kept profiles, oldest first, without summaries. */
  list(): ProfileRecord[] {
    return [...this.entries.values()].map((e) => ({ ...e.record }));
  }

  /** Whether a profile of this instance is running now. */
  get busy(): boolean {
    return this.running !== undefined;
  }

  /** Ends a running profile early (worker shutdown); it is recorded as failed. */
  close(): void {
    const run = this.running;
    if (!run) return;
    clearTimeout(run.timer);
    this.finish('profiler closed before the profile finished');
  }

  private finish(abort?: string): void {
    const run = this.running;
    if (!run) return;
    const { entry, session, options } = run;
    this.running = undefined;
    if (active === run) active = undefined;
    try {
      const { profile } = post(session, 'Profiler.stop') as { profile: CpuProfile };
      if (abort !== undefined) throw new Error(abort);
      entry.raw = profile;
      entry.record.status = 'finished';
    } catch (err) {
      entry.record.status = 'failed';
      entry.record.error = errorMessage(err);
    }
    entry.record.finished = new Date().toISOString();
    disconnect(session);
    if (options.onFinished) {
      let record: ProfileRecord;
      try {
        record = this.view(entry, options);
      } catch (err) {
        record = { ...entry.record, status: 'failed', error: String(err) };
      }
      options.onFinished(record);
    }
  }

  private view(entry: Entry, options: GetOptions): ProfileRecord {
    const record: ProfileRecord = { ...entry.record };
    if (entry.raw) {
      try {
        record.profile = summarizeProfile(entry.raw, {
          ...options,
          samplingIntervalUs: entry.intervalUs,
        });
      } catch (err) {
        if (err instanceof WampError) throw err; // bad prune options
        throw runtimeError(`cannot summarize profile ${entry.record.id}: ${String(err)}`, err);
      }
    }
    return record;
  }

  private remember(entry: Entry): void {
    this.entries.set(entry.record.id, entry);
    // Maps iterate in insertion order: the first keys are the oldest profiles.
    for (const id of this.entries.keys()) {
      if (this.entries.size <= KEEP) break;
      if (id !== this.running?.entry.record.id) this.entries.delete(id);
    }
  }
}
