/**
 * The ports of `lao run`'s main loop: those of each phase it drives
 * (decompose, code, review — each phase's own interface names what that
 * phase uses) plus what only the loop needs: the plans source, workspace
 * folders and LAO's own workspace files,
 * the bus it watches, the stop signals, the sleeping clock and the version
 * for plan snapshots. `build_deps.ts` builds the real ones.
 *
 * @module
 */
import type { Config } from "../config/schema.ts";
import type { EventBus } from "../events/bus.ts";
import type { TokenCounter } from "../llm/tokens.ts";
import type { ModelManager } from "../models/types.ts";
import type { CodePorts } from "../phases/code.ts";
import type { DecomposePorts } from "../phases/decompose.ts";
import type { ReviewPorts } from "../phases/review.ts";
import type { Store } from "../store/store.ts";
import type { ServerLane } from "./parallel_scheduler.ts";
import type { PythonCheckServer } from "../validate/python_server.ts";
import type { WorkspaceIo } from "../workspace/guarded_io.ts";
import type { PlansSource } from "./plans_source.ts";

/** Ports of the main loop: every phase's, and the loop's own. */
export interface RunPorts extends DecomposePorts, CodePorts, ReviewPorts {
  config: Config;
  store: Store;
  /** Folder plan workspaces live in (`<config_dir>/<plan-stem>/`). */
  configDir: string;
  /** The `factory.yaml` in use, if any: a plan whose workspace would contain it is refused. */
  configFile?: string | null;
  /** Which model is resident (load statistics for the reports and the summary). */
  models: ModelManager;
  /** The plans folder the intake reads and watches. */
  plans: PlansSource;
  /** Creates a folder LAO owns (a plan workspace) when it is missing. */
  ensureDir: (path: string) => Promise<void>;
  /** LAO's own files in a workspace (reports, the plan snapshot), guarded. */
  workspaceIo: (root: string) => WorkspaceIo;
  /** Lets go of what is held for a task's worktree or copy once it is gone (its file Worker). */
  releaseWorkspace?: (workspace: string) => void;
  /** The bus `emit` publishes on (subscribers such as load accounting attach here). */
  bus: EventBus;
  /** Token counting (the code map's budget). */
  count: TokenCounter;
  /** True after the first Ctrl+C: finish the current step, then stop. */
  stopping: () => boolean;
  /** Aborted on the first Ctrl+C: wakes idle waits (watching, cooldowns). */
  stopSignal?: AbortSignal;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** LAO version (for snapshots). */
  version: string;
  /** The run's Python syntax checker (started and closed by `runPipeline`); absent: one-shot checks. */
  python?: PythonCheckServer;
  /** The servers' slots (issue 16); absent: one server, one task at a time. */
  lanes?: ServerLane[];
}
