/**
 * The sandbox policy: turns `tools.shell.sandbox` (`auto | required | off`)
 * and the probed backend into one decision taken at start-up, and gates each
 * command with the optional allow/ask/deny rules.
 *
 * - `auto` uses the best backend and says which; with none, commands run
 *   unsandboxed only after a per-command confirmation on a TTY, and the shell
 *   tool is disabled without a TTY.
 * - `required` with no working backend throws a {@linkcode UserError} with
 *   exit code 78 and the reason.
 * - `off` runs unsandboxed and adds a start-up warning.
 *
 * @module
 */
import { ExitCode, UserError } from "../errors.ts";
import type { Config } from "../config/schema.ts";
import type { Emit } from "../events/bus.ts";
import { type CommandRules, evaluateCommand } from "./command_rules.ts";
import type { SandboxBackend } from "./probe.ts";
import { sandboxStatusLine } from "./status.ts";

/** `tools.shell` of the configuration. */
export type ShellConfig = Config["tools"]["shell"];

/** The start-up decision about the shell tool. */
export interface SandboxDecision {
  /** The configured mode. */
  mode: ShellConfig["sandbox"];
  /** Backend commands run under (`none` when off or unavailable). */
  backend: SandboxBackend;
  /** The status line (start-up, `lao status`, and every shell result). */
  statusLine: string;
  /** Lines to print at start-up (e.g. the `off` warning). */
  warnings: string[];
  /** False when the shell tool must refuse every command. */
  shellEnabled: boolean;
  /** Why the shell tool is disabled (given to the model), when it is. */
  disabledReason?: string;
  /** True when every command needs a human confirmation (no sandbox, `auto`). */
  confirmEachCommand: boolean;
}

/** Inputs of {@linkcode decideSandbox}. */
export interface PolicyDeps {
  /** Probes the backend (called once, and not at all when the mode is `off`). */
  probe: () => Promise<SandboxBackend>;
  /** Whether a human can answer prompts (stdin and stdout are TTYs). */
  isTty: boolean;
  /** Receives a `sandbox.status` event. */
  emit?: Emit;
}

/** Decides how the shell tool runs for this process. Call once per run. */
export async function decideSandbox(
  shell: Pick<ShellConfig, "sandbox" | "network">,
  deps: PolicyDeps,
): Promise<SandboxDecision> {
  const mode = shell.sandbox;
  const backend: SandboxBackend = mode === "off"
    ? { kind: "none", reason: "tools.shell.sandbox is off" }
    : await deps.probe();
  const statusLine = sandboxStatusLine({ backend, mode, network: shell.network });
  deps.emit?.({ type: "sandbox.status", line: statusLine });
  if (mode === "required" && backend.kind === "none") {
    throw new UserError(
      `Cannot start the shell tool: tools.shell.sandbox is "required" but no sandbox works (${backend.reason}${
        backend.remedy ? `; ${backend.remedy}` : ""
      })`,
      ExitCode.Unavailable,
    );
  }
  const base = { mode, backend, statusLine };
  if (mode === "off") {
    return {
      ...base,
      warnings: [
        "warning: shell sandbox is off (tools.shell.sandbox: off); commands run with your full user rights",
      ],
      shellEnabled: true,
      confirmEachCommand: false,
    };
  }
  if (backend.kind === "none") {
    const warning = `warning: no shell sandbox (${backend.reason})`;
    if (!deps.isTty) {
      return {
        ...base,
        warnings: [`${warning}; the shell tool is disabled (no TTY to confirm commands)`],
        shellEnabled: false,
        disabledReason:
          `The shell tool is disabled: no sandbox is available (${backend.reason}) and no one can confirm commands. Use the file tools instead.`,
        confirmEachCommand: false,
      };
    }
    return {
      ...base,
      warnings: [`${warning}; every command needs your confirmation`],
      shellEnabled: true,
      confirmEachCommand: true,
    };
  }
  return { ...base, warnings: [], shellEnabled: true, confirmEachCommand: false };
}

/** Asks a human whether to run `command` (`reason` says why); resolves true to run it. */
export type ConfirmCommand = (command: string, reason: string) => Promise<boolean>;

/** Result of {@linkcode authorizeCommand}: run it, or a refusal text for the model. */
export type Authorization = { ok: true } | { ok: false; message: string };

/**
 * Gates one command: disabled tool, deny rules, then ask rules (or the
 * no-sandbox confirmation). Without `confirm` (no TTY), `ask` means deny.
 */
export async function authorizeCommand(
  command: string,
  decision: SandboxDecision,
  rules: CommandRules,
  confirm?: ConfirmCommand,
): Promise<Authorization> {
  if (!decision.shellEnabled) {
    return { ok: false, message: decision.disabledReason ?? "The shell tool is disabled" };
  }
  const verdict = evaluateCommand(command, rules);
  if (verdict.decision === "deny") {
    return {
      ok: false,
      message: `Command refused by rule "${verdict.rule}" (tools.shell.rules.deny)`,
    };
  }
  const reasons: string[] = [];
  if (verdict.decision === "ask") reasons.push(`rule "${verdict.rule}" asks for confirmation`);
  if (decision.confirmEachCommand) {
    reasons.push("no sandbox: it would run with your full user rights");
  }
  if (reasons.length === 0) return { ok: true };
  const reason = reasons.join("; ");
  if (confirm === undefined) {
    return { ok: false, message: `Command refused: ${reason}, and no one can confirm it (no TTY)` };
  }
  return (await confirm(command, reason))
    ? { ok: true }
    : { ok: false, message: `Command refused by the user (${reason})` };
}
