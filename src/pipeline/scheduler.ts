/**
 * The scheduler: dependency-aware, phase-gated and swap-aware. It stays on
 * the model that is loaded while that model has work (coding every runnable
 * task, then reviewing every coded one), so a plan needs as few loads as its
 * dependency graph allows. When coder and reviewer share a model there is no
 * swap to save, and work alternates in waves of `coder_batch_size`.
 * Infrastructure failures stop the wave and are reported to the caller, who
 * pauses and retries; they never consume a task's attempts.
 *
 * @module
 */
import type { TaskRole } from "../domain/roles.ts";
import { type CodePorts, codeTask } from "../phases/code.ts";
import { type ReviewPorts, reviewTask } from "../phases/review.ts";
import type { Store } from "../store/store.ts";

/** What the scheduler uses: the coder and review phases' ports, the queue, the stop flag. */
export interface SchedulerPorts extends CodePorts, ReviewPorts {
  store:
    & Pick<Store, "runnable" | "coded" | "failBlocked">
    & CodePorts["store"]
    & ReviewPorts["store"];
  /** True after the first Ctrl+C: finish the current step, then stop. */
  stopping: () => boolean;
  /**
   * Lets go of what is held for a workspace that is gone (a task's worktree or copy after
   * its task ended): its file Worker. Absent: nothing is held per workspace.
   */
  releaseWorkspace?: (workspace: string) => void;
}

/** Which tasks the scheduler may touch. */
export interface QueueFilter {
  planId?: string | null;
  phase?: string | null;
}

/** Result of one {@linkcode processQueue} call. */
export interface QueueResult {
  /** Coder and reviewer phases that ran. */
  processed: number;
  /** Set when a wave stopped on a model-server failure. */
  infraError?: string;
}

/** The scheduler's memory between calls: which role's model was used last. */
export interface SchedulerState {
  lastRole: TaskRole | null;
}

/** Creates fresh scheduler state. */
export function newSchedulerState(): SchedulerState {
  return { lastRole: null };
}

/** Runs coder and reviewer waves until no task can move (or a stop/infra failure). */
export async function processQueue(
  deps: SchedulerPorts,
  state: SchedulerState,
  filter: QueueFilter = {},
): Promise<QueueResult> {
  const o = deps.config.orchestration;
  const sharedModel = deps.config.models.coder.key === deps.config.models.reviewer.key;
  let processed = 0;
  for (;;) {
    if (deps.stopping()) return { processed };
    // Tasks whose dependency failed fail too (with the reason) before the next wave is chosen.
    deps.store.failBlocked();
    const runnable = deps.store.runnable({ ...filter, limit: 1 });
    const coded = deps.store.coded({ ...filter, limit: 1 });
    if (runnable.length === 0 && coded.length === 0) return { processed };

    const has = (r: TaskRole) => (r === "coder" ? runnable : coded).length > 0;
    const last = state.lastRole;
    let role: TaskRole;
    if (!last) role = has("coder") ? "coder" : "reviewer";
    else if (!o.phase_gated || sharedModel) {
      // No swap to save: alternate so reviews (and their feedback) come early.
      const other = last === "coder" ? "reviewer" : "coder";
      role = has(other) ? other : last;
    } else role = has(last) ? last : (last === "coder" ? "reviewer" : "coder");

    // Wave size: unlimited when switching models costs a swap, else the batch size.
    const limit = !o.phase_gated
      ? 1
      : sharedModel
      ? (role === "coder" ? o.coder_batch_size : o.reviewer_batch_size)
      : Number.MAX_SAFE_INTEGER;
    state.lastRole = role;
    let done = 0;
    while (done < limit && !deps.stopping()) {
      const next = role === "coder"
        ? deps.store.runnable({ ...filter, limit: 1 })[0]
        : deps.store.coded({ ...filter, limit: 1 })[0];
      if (!next) break;
      const result = role === "coder" ? await codeTask(deps, next) : await reviewTask(deps, next);
      if (result.kind === "infra") return { processed, infraError: result.error };
      if (result.kind === "done") {
        processed++;
        done++;
      }
    }
  }
}
