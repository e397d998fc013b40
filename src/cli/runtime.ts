/**
 * The production ports the CLI hands to the pipeline: guarded workspace file
 * access (a permission-scoped Worker around the workspace guard) and the
 * shell under the OS sandbox, decided once per run.
 *
 * @module
 */
import { mkdirSync } from "node:fs";
import { expandHome } from "../config/load_core.ts";
import type { Config } from "../config/schema.ts";
import type { Emit } from "../events/bus.ts";
import type { RunCommand } from "../validate/command_runner.ts";
import { type ConfirmCommand, decideSandbox, type SandboxDecision } from "../sandbox/policy.ts";
import { probeSandbox, realProbeDeps } from "../sandbox/probe.ts";
import { WorkerWorkspaceFs } from "../workspace/worker_fs.ts";
import type { ShellPort } from "../tools/types.ts";
import { SandboxedShell } from "./sandboxed_shell.ts";
import type { WorkspaceFs } from "../workspace/workspace_fs.ts";
import { hiddenToolchains, toolchainWarning } from "./toolchain_hint.ts";

export { hiddenToolchains, toolchainWarning };

/** Ports that touch the plan workspaces. */
export interface WorkspacePorts {
  workspaceFs: (workspace: string) => Promise<WorkspaceFs>;
  shell: (workspace: string) => ShellPort | undefined;
  validationCommand: (workspace: string) => RunCommand | undefined;
  /** One line describing the shell sandbox, printed at start-up. */
  statusLine: string;
  /** Warnings to print at start-up (e.g. sandbox off). */
  warnings: string[];
  /** The policy decision. */
  decision: SandboxDecision;
  /** Stops the file Worker of one workspace (a task's worktree or copy that is gone). */
  release(workspace: string): void;
  /** Stops the workspace workers. */
  close(): void;
}

/** Options of {@linkcode workspacePorts}. */
export interface WorkspacePortsOptions {
  emit?: Emit;
  /** Folder for full shell logs. */
  logDir?: string;
  /** Whether a human can confirm commands. */
  isTty?: boolean;
  /** Asks the human (TTY only). */
  confirm?: ConfirmCommand;
  /**
   * Folders sandboxed commands must never see even where a visible tree holds
   * them: the config folder, the database's folder (`.lao/`).
   */
  hidden?: readonly string[];
}

/** The sandbox decision when `tools.shell.enabled` is false: no shell, no probe. */
function shellDisabled(mode: SandboxDecision["mode"]): SandboxDecision {
  return {
    mode,
    backend: { kind: "none", reason: "tools.shell.enabled is false" },
    statusLine: "sandbox: not needed (shell tool disabled: tools.shell.enabled is false)",
    warnings: [],
    shellEnabled: false,
    disabledReason: "The shell tool is disabled in this project (tools.shell.enabled: false).",
    confirmEachCommand: false,
  };
}

/** The policy's decision for `tools.shell` (probes the sandbox once; none when the shell is off). */
async function decide(
  cfg: Config["tools"]["shell"],
  opts: WorkspacePortsOptions,
): Promise<SandboxDecision> {
  if (!cfg.enabled) return shellDisabled(cfg.sandbox);
  return await decideSandbox(cfg, {
    probe: () => probeSandbox(realProbeDeps()),
    isTty: opts.isTty ?? false,
    ...(opts.emit ? { emit: opts.emit } : {}),
  });
}

/** One guarded file Worker per workspace (the folder made on first use). */
function workspaceWorkers() {
  const workers = new Map<string, Promise<WorkerWorkspaceFs>>();
  return {
    open: (ws: string): Promise<WorkspaceFs> => {
      let fs = workers.get(ws);
      if (!fs) {
        mkdirSync(ws, { recursive: true });
        fs = WorkerWorkspaceFs.open(ws);
        workers.set(ws, fs);
      }
      return fs;
    },
    release: (ws: string): void => {
      workers.get(ws)?.then((fs) => fs.close()).catch(() => {});
      workers.delete(ws);
    },
    close: (): void => {
      for (const w of workers.values()) w.then((fs) => fs.close()).catch(() => {});
      workers.clear();
    },
  };
}

/** Builds the workspace ports for a run (probes the sandbox once). */
export async function workspacePorts(
  config: Config,
  opts: WorkspacePortsOptions = {},
): Promise<WorkspacePorts> {
  const cfg = config.tools.shell;
  const decision = await decide(cfg, opts);
  const homeAllow = cfg.home_allow.map((p) => expandHome(p, (name) => Deno.env.get(name)));
  const warnings = [...decision.warnings];
  const hidden = decision.backend.kind === "none" ? null : toolchainWarning(homeAllow);
  if (hidden) warnings.push(`warning: ${hidden}`);
  const workers = workspaceWorkers();
  const shell = new SandboxedShell({
    cfg,
    decision,
    homeAllow,
    ...(opts.hidden ? { hidden: opts.hidden } : {}),
    ...(opts.logDir ? { logDir: opts.logDir } : {}),
    ...(opts.confirm ? { confirm: opts.confirm } : {}),
  });
  return {
    workspaceFs: workers.open,
    shell: (ws) => (decision.shellEnabled ? shell.tool(ws) : undefined),
    validationCommand: (ws) => (decision.shellEnabled ? shell.validation(ws) : undefined),
    statusLine: decision.statusLine,
    warnings,
    decision,
    release: workers.release,
    close: workers.close,
  };
}
