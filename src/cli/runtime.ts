/**
 * The production ports the CLI hands to the pipeline: guarded workspace file
 * access and the sandboxed shell, chosen once per run.
 *
 * @module
 */
import { mkdirSync } from "node:fs";
import type { Config } from "../config/schema.ts";
import type { ShellPort } from "../tools/types.ts";
import type { WorkspaceFs } from "../tools/workspace_fs.ts";
import { createTestingFs } from "../tools/testing_fs.ts";
import type { RunCommand } from "../pipeline/validate/command_runner.ts";

/** Ports that touch the plan workspaces. */
export interface WorkspacePorts {
  workspaceFs: (workspace: string) => Promise<WorkspaceFs>;
  shell?: (workspace: string) => ShellPort | undefined;
  validationCommand?: (workspace: string) => RunCommand | undefined;
  /** One line describing the shell sandbox, printed at start-up. */
  statusLine: string;
  /** Warnings to print at start-up (e.g. sandbox off). */
  warnings: string[];
}

/** Builds the workspace ports for a run. */
export function workspacePorts(_config: Config): Promise<WorkspacePorts> {
  return Promise.resolve({
    workspaceFs: (ws: string) => {
      mkdirSync(ws, { recursive: true });
      return Promise.resolve(createTestingFs(Deno.realPathSync(ws)));
    },
    statusLine: "sandbox: none (shell tool disabled)",
    warnings: [],
  });
}
