/**
 * The shell the CLI hands to the pipeline, per workspace: one sandboxed
 * {@linkcode ShellRunner} per workspace, every command authorised by the
 * command rules (and the human, when the policy asks) before it runs. Two
 * faces: the coder's `shell_exec` tool and the validators' command runner.
 *
 * @module
 */
import type { Config } from "../config/schema.ts";
import { shellLimitsFromConfig } from "../sandbox/limits.ts";
import { authorizeCommand, type ConfirmCommand, type SandboxDecision } from "../sandbox/policy.ts";
import { formatShellResult, ShellRunner } from "../sandbox/shell.ts";
import type { ShellPort } from "../tools/types.ts";
import type { RunCommand } from "../validate/command_runner.ts";

/** What the sandboxed shell is built from. */
export interface SandboxedShellInput {
  /** `tools.shell`. */
  cfg: Config["tools"]["shell"];
  decision: SandboxDecision;
  /** `tools.shell.home_allow`, expanded. */
  homeAllow: string[];
  /** Folders commands never see. */
  hidden?: readonly string[];
  /** Folder for full shell logs. */
  logDir?: string;
  /** Asks the human (TTY only). */
  confirm?: ConfirmCommand;
}

/** One runner per workspace, made on first use. */
export class SandboxedShell {
  #runners = new Map<string, ShellRunner>();

  /** Commands run under `input.decision`'s backend. */
  constructor(private readonly input: SandboxedShellInput) {}

  #runner(workspace: string): ShellRunner {
    let r = this.#runners.get(workspace);
    if (!r) {
      const { cfg, decision, homeAllow, hidden } = this.input;
      r = new ShellRunner({
        root: Deno.realPathSync(workspace),
        backend: decision.backend,
        statusLine: decision.statusLine,
        network: cfg.network,
        homeAllow,
        envAllow: cfg.env_allow,
        limits: shellLimitsFromConfig(cfg.limits),
        ...(hidden ? { hidden } : {}),
      });
      this.#runners.set(workspace, r);
    }
    return r;
  }

  /** The coder's shell in `workspace`: the result formatted for the model, refusals as `ERROR:`. */
  tool(workspace: string): ShellPort {
    const { cfg, decision, logDir, confirm } = this.input;
    return async (command, timeoutS, signal) => {
      const auth = await authorizeCommand(command, decision, cfg.rules, confirm);
      if (!auth.ok) return `ERROR: ${auth.message}`;
      const result = await this.#runner(workspace).run({
        command,
        timeoutMs: timeoutS * 1000,
        maxTimeoutMs: cfg.timeout_s * 1000, // the model's request is cut to this, with a note
        ...(logDir ? { logDir } : {}),
        ...(signal ? { signal } : {}),
      });
      return formatShellResult(result);
    };
  }

  /** The validators' command runner in `workspace`: a refusal is exit code 126. */
  validation(workspace: string): RunCommand {
    const { cfg, decision, confirm } = this.input;
    return async (command, _cwd, timeoutS) => {
      const auth = await authorizeCommand(command, decision, cfg.rules, confirm);
      if (!auth.ok) return { exitCode: 126, output: auth.message };
      const r = await this.#runner(workspace).run({ command, timeoutMs: timeoutS * 1000 });
      return { exitCode: r.exitCode, output: r.output };
    };
  }
}
