/**
 * Shared types of the coder's tool layer.
 *
 * @module
 */
import type { z } from "zod";
import type { WorkspaceFs } from "../workspace/workspace_fs.ts";

/** Runs a shell command in the workspace; resolves to the combined, formatted output. */
export type ShellPort = (
  command: string,
  timeoutS: number,
  signal?: AbortSignal,
) => Promise<string>;

/** Embeds texts; one vector per input. */
export type EmbedPort = (texts: string[]) => Promise<number[][]>;

/** What a tool may touch. */
export interface ToolContext {
  fs: WorkspaceFs;
  /** Absent when shell access is disabled. */
  shell?: ShellPort;
  /** Absent when no embedding model is configured. */
  embed?: EmbedPort;
  signal?: AbortSignal;
}

/** The result handed back to the model (as the `tool` message). */
export interface ToolResult {
  ok: boolean;
  /** Model-readable text; failures start with `ERROR:`. */
  output: string;
  /** Workspace-relative paths the call created or modified. */
  changedPaths?: string[];
}

/** One tool: schema, model-facing description and implementation. */
export interface Tool<S extends z.ZodObject = z.ZodObject> {
  name: string;
  description: string;
  schema: S;
  run(args: z.infer<S>, ctx: ToolContext): Promise<ToolResult>;
}

/** Builds a failed result. */
export function fail(message: string): ToolResult {
  return { ok: false, output: message.startsWith("ERROR:") ? message : `ERROR: ${message}` };
}
