/**
 * The one honest sandbox status line, shown at start-up, in `lao status`,
 * and heading every shell-tool result given to the model.
 *
 * @module
 */
import type { SandboxBackend } from "./probe.ts";

/** What the status line needs to know. */
export interface StatusInput {
  /** The probed backend. */
  backend: SandboxBackend;
  /** `tools.shell.sandbox`. */
  mode: "auto" | "required" | "off";
  /** `tools.shell.network`. */
  network: boolean;
}

/** Formats the status line, e.g. `sandbox: bwrap (workspace-write, host hidden, net off)`. */
export function sandboxStatusLine(input: StatusInput): string {
  const net = input.network ? "net on" : "net off";
  if (input.mode === "off") {
    return "sandbox: off (tools.shell.sandbox is off; commands run with your full user rights)";
  }
  const b = input.backend;
  switch (b.kind) {
    case "bwrap":
      return `sandbox: bwrap (workspace-write, host hidden, ${net}${limitsNote(b)})`;
    case "seatbelt":
      return `sandbox: seatbelt (workspace-write, host hidden, ${net})`;
    case "none":
      return `sandbox: none (${b.reason}${b.remedy ? `; ${b.remedy}` : ""})`;
  }
}

/** The limits part of the bwrap status line: says when memory is capped per process only. */
function limitsNote(b: Extract<SandboxBackend, { kind: "bwrap" }>): string {
  if (b.prlimit === undefined) return b.cgroups?.memory ? ", memory cap" : "";
  if (b.cgroups === undefined || b.cgroups.memory) return ", limits";
  return ", limits; memory per process only: no memory cgroup";
}
