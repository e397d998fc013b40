/**
 * `file_patch`: replaces one piece of an existing file (see
 * {@linkcode applyPatch} for the matching rules).
 *
 * @module
 */
import { z } from "zod";
import description from "./file_patch.md" with { type: "text" };
import { applyPatch } from "./patch_match.ts";
import { fail, type Tool } from "./types.ts";

const schema = z.object({
  path: z.string().min(1).describe("File path"),
  search: z.string().describe("Exact text now in the file"),
  replace: z.string().describe("The new text"),
});

/** The `file_patch` tool. */
export const filePatchTool: Tool<typeof schema> = {
  name: "file_patch",
  description: description.trim(),
  schema,
  async run(args, ctx) {
    const path = await ctx.fs.relative(args.path);
    if (!(await ctx.fs.isFile(path))) {
      return fail(`Cannot patch "${path}": file not found (use file_write to create it)`);
    }
    const outcome = applyPatch(await ctx.fs.readText(path), args.search, args.replace);
    if (!outcome.ok) return fail(`Cannot patch "${path}": ${outcome.message}`);
    await ctx.fs.writeText(path, outcome.content);
    const how = outcome.strategy === "exact" ? "" : ` (matched ignoring ${outcome.strategy})`;
    return {
      ok: true,
      output: `OK: Patched ${path} at line ${outcome.line}${how}`,
      changedPaths: [path],
    };
  },
};
