/**
 * The coder phase: claims a pending task, runs the coder agent in the plan
 * workspace, stores what it produced (summary, changed files, diff, the code
 * signature the no-progress rule compares) and commits exactly the files the
 * task changed. Infrastructure failures hand the task back untouched.
 *
 * @module
 */
import { coderBudget, runCoder } from "../agents/coder.ts";
import { mapSlice, refreshMap } from "../codemap/cache.ts";
import type { ModelPort } from "../agents/model_port.ts";
import { afterCommits, commitCoderSoon, writesAfterCommits } from "../git/background.ts";
import type { PlanGitPort } from "../git/port.ts";
import type { Store, Task } from "../store/store.ts";
import type { PlanRow } from "../store/types.ts";
import type { ShellPort } from "../tools/types.ts";
import type { WorkspaceFs } from "../workspace/workspace_fs.ts";
import { codeSignature } from "../validate/repair.ts";
import {
  afterOutcome,
  emitEnd,
  emitStart,
  phaseFailed,
  type PhaseResult,
  type PlacedPlan,
  planOf,
  type TaskPhasePorts,
} from "./task_phase.ts";

/** What the coder phase uses. */
export interface CodePorts extends TaskPhasePorts {
  store: Pick<Store, "getPlan" | "transition" | "getTask">;
  model: ModelPort;
  /** Guarded file access to a plan workspace. */
  workspaceFs: (workspace: string) => Promise<WorkspaceFs>;
  /** The sandboxed shell for a workspace, or undefined when shell access is disabled. */
  shell: (workspace: string) => ShellPort | undefined;
  /** Git for a plan workspace (a no-op implementation when git is off). */
  git: (workspace: string, planId: string) => PlanGitPort;
  signal: AbortSignal;
  /**
   * Where the code map's cache lives (`<config dir>/.lao/codemap/`); absent:
   * no map for the coder, even on a plan that targets existing code.
   */
  configDir?: string;
}

/** Share of the coder's prompt budget the code map around its target files may take. */
export const CODER_MAP_SHARE = 0.1;

/** True when the plan works on existing code (its own worktree of the user's repository). */
function onExistingCode(plan: Pick<PlanRow, "workspace_kind" | "workspace">): boolean {
  return plan.workspace_kind === "worktree" && Boolean(plan.workspace);
}

/**
 * The slice of the workspace's code map around the task's target files,
 * within {@linkcode CODER_MAP_SHARE} of the coder's budget (in the coder's
 * calibrated tokens); undefined for a plan that does not target existing
 * code, or when the map cannot be built.
 */
export async function coderMapSlice(
  ports: Pick<CodePorts, "config" | "model" | "configDir">,
  plan: Pick<PlanRow, "workspace_kind" | "workspace">,
  task: Pick<Task, "title" | "description" | "file_paths">,
): Promise<string | undefined> {
  if (!ports.configDir || !plan.workspace || !onExistingCode(plan)) return undefined;
  const share = coderBudget(ports.config.models.coder) * CODER_MAP_SHARE;
  const budget = Math.floor(share / Math.max(1, ports.model.factor("coder")));
  try {
    const text = await mapSlice(
      ports.configDir,
      plan.workspace,
      { files: task.file_paths, text: `${task.title}\n${task.description}` },
      budget,
      ports.model.count,
    );
    return text || undefined;
  } catch {
    return undefined; // The map only helps: a coder without it still works.
  }
}

/** The signature of the task's files as they are now ("" when none can be read). */
async function signatureOf(fs: WorkspaceFs, paths: string[]): Promise<string> {
  const files: { path: string; content: string }[] = [];
  for (const path of [...new Set(paths)].sort()) {
    try {
      files.push({ path, content: await fs.readText(path) });
    } catch {
      // A file the task deleted (or cannot read) has no content to sign.
    }
  }
  return files.length ? codeSignature(files) : "";
}

/** Runs the coder on a claimed task and stores what it produced; returns the changed files. */
async function codeAndStore(ports: CodePorts, plan: PlacedPlan, task: Task): Promise<string[]> {
  // Earlier commits may still be landing: a write waits for those of its path, a shell for all.
  const git = ports.git(plan.workspace, plan.id);
  const fs = writesAfterCommits(await ports.workspaceFs(plan.workspace), git);
  const rawShell = ports.shell(plan.workspace);
  const shell = rawShell && afterCommits(rawShell, git);
  const codeMap = await coderMapSlice(ports, plan, task);
  const out = await runCoder(
    {
      model: ports.model,
      settings: ports.config.models.coder,
      fs,
      ...(shell ? { shell } : {}),
      emit: ports.emit,
      signal: ports.signal,
      dependencyFiles: task.dependencies.flatMap((id) =>
        ports.store.getTask(id)?.changed_files ?? []
      ),
      planFileName: ports.config.git.plan_file_name,
      ...(codeMap ? { codeMap } : {}),
    },
    plan.id,
    task,
  );
  const signature = await signatureOf(fs, [...out.changedFiles, ...task.file_paths]);
  const listing = out.changedFiles.length
    ? `\n\nFiles changed: ${out.changedFiles.join(", ")}`
    : "";
  ports.store.transition(task.id, "finish_coding", {
    coder_output: out.summary + listing,
    changed_files: out.changedFiles,
    diff: out.diff,
    prev_code_signature: task.code_signature,
    code_signature: signature,
  });
  return out.changedFiles;
}

/** Codes one pending task (claims it first). */
export async function codeTask(ports: CodePorts, task: Task): Promise<PhaseResult> {
  const plan = planOf(ports, task);
  if (!ports.store.transition(task.id, "start_coding")) return { kind: "skipped" };
  emitStart(ports, "coder", plan, task);
  let files: string[];
  try {
    files = await codeAndStore(ports, plan, task);
  } catch (err) {
    emitEnd(ports, "coder", plan, task, false);
    return phaseFailed(ports, task, "coder", err);
  }
  emitEnd(ports, "coder", plan, task, true);
  try {
    // Queued: it lands in the background (git/commit_queue.ts), or now where it cannot be queued.
    await commitCoderSoon(ports.git(plan.workspace, plan.id), {
      planId: plan.id,
      taskId: task.id,
      title: task.title,
      files,
    });
  } catch (err) {
    return afterOutcome(ports, task, "the coder commit", err);
  }
  // The commit changed these files: the cached map follows (the next task's slice sees them).
  if (ports.configDir && onExistingCode(plan) && files.length) {
    await refreshMap(ports.configDir, plan.workspace, files).catch(() => {});
  }
  return { kind: "done" };
}
