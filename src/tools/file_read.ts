/**
 * `file_read`: reads a workspace text file, a window of lines at a time.
 *
 * @module
 */
import { z } from "zod";
import description from "./file_read.md" with { type: "text" };
import type { Tool } from "./types.ts";

const schema = z.object({
  path: z.string().min(1).describe("File path"),
  max_lines: z.coerce.number().int().min(1).max(5000).optional().describe(
    "Lines (default 500)",
  ),
  offset: z.coerce.number().int().min(1).max(10_000_000).optional().describe(
    "First line (default 1)",
  ),
});

/** The `file_read` tool. */
export const fileReadTool: Tool<typeof schema> = {
  name: "file_read",
  description: description.trim(),
  schema,
  async run(args, ctx) {
    const text = await ctx.fs.readText(args.path);
    const lines = text.split("\n");
    if (text.endsWith("\n")) lines.pop();
    const first = (args.offset ?? 1) - 1;
    const max = args.max_lines ?? 500;
    if (lines.length === 0) return { ok: true, output: "(empty file)" };
    if (first >= lines.length) {
      return {
        ok: false,
        output: `ERROR: offset ${
          first + 1
        } is past the end of "${args.path}" (${lines.length} lines)`,
      };
    }
    const shown = lines.slice(first, first + max);
    const last = first + shown.length;
    let output = shown.join("\n");
    if (first > 0 || last < lines.length) {
      const more = last < lines.length ? `; call file_read with offset=${last + 1} for more` : "";
      output += `\n... (lines ${first + 1}-${last} of ${lines.length}${more})`;
    }
    return { ok: true, output };
  },
};
