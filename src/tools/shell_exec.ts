/**
 * `shell_exec`: runs a command through the injected shell port (the sandbox
 * decides how); disabled when no port is configured.
 *
 * @module
 */
import { z } from "zod";
import description from "./shell_exec.md" with { type: "text" };
import { fail, type Tool } from "./types.ts";

const schema = z.object({
  command: z.string().min(1).describe("The shell command"),
  timeout: z.coerce.number().int().min(1).max(3600).optional().describe(
    "Seconds (default 60)",
  ),
});

/** The `shell_exec` tool. */
export const shellExecTool: Tool<typeof schema> = {
  name: "shell_exec",
  description: description.trim(),
  schema,
  async run(args, ctx) {
    if (!ctx.shell) {
      return fail(
        "shell_exec is disabled in this run. Use file_read, file_write and file_patch instead.",
      );
    }
    const output = await ctx.shell(args.command, args.timeout ?? 60, ctx.signal);
    // The first "exit code:" line is the result header (the command's output follows it).
    const code = /^exit code: (\d+)/m.exec(output)?.[1];
    return {
      ok: (code === undefined || code === "0") && !/^ERROR:/.test(output),
      output: output || "(no output)",
    };
  },
};
