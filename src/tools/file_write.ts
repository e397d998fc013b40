/**
 * `file_write`: creates or overwrites a workspace file.
 *
 * @module
 */
import { z } from "zod";
import description from "./file_write.md" with { type: "text" };
import type { Tool } from "./types.ts";

const schema = z.object({
  path: z.string().min(1).describe("File path"),
  content: z.string().describe("The whole file"),
});

/** The `file_write` tool. */
export const fileWriteTool: Tool<typeof schema> = {
  name: "file_write",
  description: description.trim(),
  schema,
  async run(args, ctx) {
    const path = await ctx.fs.relative(args.path);
    const existed = await ctx.fs.isFile(path);
    await ctx.fs.writeText(path, args.content);
    const lines = args.content === ""
      ? 0
      : args.content.split("\n").length - (args.content.endsWith("\n") ? 1 : 0);
    return {
      ok: true,
      output: `OK: ${existed ? "Overwrote" : "Created"} ${path} (${lines} lines)`,
      changedPaths: [path],
    };
  },
};
