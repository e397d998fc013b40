/**
 * The coder phase: claims a pending task, runs the coder agent in the plan
 * workspace, stores what it produced (summary, changed files, diff, the code
 * signature the no-progress rule compares) and commits exactly the files the
 * task changed. Infrastructure failures hand the task back untouched.
 *
 * @module
 */
import { runCoder } from "../agents/coder.ts";
import type { ModelPort } from "../agents/model_port.ts";
import type { PlanGitPort } from "../git/port.ts";
import type { Store, Task } from "../store/store.ts";
import type { ShellPort } from "../tools/types.ts";
import type { WorkspaceFs } from "../workspace/workspace_fs.ts";
import { codeSignature } from "../validate/repair.ts";
import {
  afterOutcome,
  emitEnd,
  emitStart,
  phaseFailed,
  type PhaseResult,
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

/** Codes one pending task (claims it first). */
export async function codeTask(ports: CodePorts, task: Task): Promise<PhaseResult> {
  const plan = planOf(ports, task);
  if (!ports.store.transition(task.id, "start_coding")) return { kind: "skipped" };
  emitStart(ports, "coder", plan, task);
  let files: string[];
  try {
    const fs = await ports.workspaceFs(plan.workspace);
    const shell = ports.shell(plan.workspace);
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
    files = out.changedFiles;
  } catch (err) {
    emitEnd(ports, "coder", plan, task, false);
    return phaseFailed(ports, task, "coder", err);
  }
  emitEnd(ports, "coder", plan, task, true);
  try {
    await ports.git(plan.workspace, plan.id).commitCoder({
      planId: plan.id,
      taskId: task.id,
      title: task.title,
      files,
    });
  } catch (err) {
    return afterOutcome(ports, task, "the coder commit", err);
  }
  return { kind: "done" };
}
