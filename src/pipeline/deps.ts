/**
 * Everything the pipeline touches, injected: the store, one LLM client per
 * role, the model manager, workspace file access, the sandboxed shell, git,
 * the event bus, the clock and the stop signals.
 *
 * @module
 */
import type { ModelPort } from "../agents/model_port.ts";
import type { Config, RoleName } from "../config/schema.ts";
import type { Emit, EventBus } from "../events/bus.ts";
import type { PlanGitPort } from "../git/port.ts";
import type { TokenCalibration, TokenCounter } from "../llm/tokens.ts";
import type { LlmClient } from "../llm/types.ts";
import type { ModelManager } from "../models/types.ts";
import type { Store } from "../store/store.ts";
import type { ShellPort } from "../tools/types.ts";
import type { WorkspaceFs } from "../tools/workspace_fs.ts";
import type { RunCommand } from "../validate/command_runner.ts";

/** Ports of the pipeline. */
export interface PipelineDeps {
  config: Config;
  /** Folder plan workspaces live in (`<config_dir>/<plan-stem>/`). */
  configDir: string;
  /** The `factory.yaml` in use, if any: a plan whose workspace would contain it is refused. */
  configFile?: string | null;
  store: Store;
  /** The client for a role. */
  llm: (role: RoleName) => LlmClient;
  models: ModelManager;
  /** Creates a folder LAO owns (the plans folder, a plan workspace) when it is missing. */
  ensureDir: (path: string) => Promise<void>;
  /** Guarded file access to a plan workspace. */
  workspaceFs: (workspace: string) => Promise<WorkspaceFs>;
  /** The sandboxed shell for a workspace, or undefined when shell access is disabled. */
  shell: (workspace: string) => ShellPort | undefined;
  /** Runs a validation command in a workspace (sandboxed), or undefined to skip commands. */
  validationCommand?: (workspace: string) => RunCommand | undefined;
  /** Git for a plan workspace (a no-op implementation when git is off). */
  git: (workspace: string, planId: string) => PlanGitPort;
  emit: Emit;
  /** The bus `emit` publishes on (subscribers such as load accounting attach here). */
  bus: EventBus;
  /** Token counting for budgets. */
  count: TokenCounter;
  calibration: TokenCalibration;
  /** Aborted on the second Ctrl+C: stop now. */
  signal: AbortSignal;
  /** True after the first Ctrl+C: finish the current step, then stop. */
  stopping: () => boolean;
  /** Aborted on the first Ctrl+C: wakes idle waits (watching, cooldowns). */
  stopSignal?: AbortSignal;
  now: () => Date;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** LAO version (for snapshots). */
  version: string;
  /** Load + call + accounting for the agents (remembers what the server supports). */
  model: ModelPort;
}
