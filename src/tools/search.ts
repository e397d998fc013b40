/**
 * `search`: text (or regex) search over the workspace's files.
 *
 * @module
 */
import { z } from "zod";
import description from "./search.md" with { type: "text" };
import { fail, type Tool } from "./types.ts";

const schema = z.object({
  pattern: z.string().min(1).describe("Text or regex"),
  path: z.string().optional().describe("Folder"),
  regex: z.boolean().optional().describe("Pattern is a regex"),
});

const MAX_RESULTS = 100;
const MAX_FILES = 5000;
const MAX_FILE_BYTES = 1_000_000;
const MAX_LINE = 200;

/** A line matcher (linear time: no pattern can block the event loop). */
export interface LineMatcher {
  /** True when `line` contains a match. */
  test(line: string): boolean;
}

let re2: Promise<typeof import("re2js")> | undefined;

/**
 * Builds the line matcher: smart-case, literal unless `regex`. Regexes run
 * on RE2 (re2js), which matches in linear time; features RE2 lacks
 * (backreferences, lookaround) throw a clear error. re2js loads on the first
 * search, not with the tools (about a tenth of `lao run`'s start-up).
 */
export async function lineMatcher(pattern: string, regex: boolean): Promise<LineMatcher> {
  const { RE2JS } = await (re2 ??= import("re2js"));
  const flags = /[A-Z]/.test(pattern) ? 0 : RE2JS.CASE_INSENSITIVE;
  return RE2JS.compile(regex ? pattern : RE2JS.quote(pattern), flags);
}

/** The `search` tool. */
export const searchTool: Tool<typeof schema> = {
  name: "search",
  description: description.trim(),
  schema,
  async run(args, ctx) {
    let re: LineMatcher;
    try {
      re = await lineMatcher(args.pattern, args.regex ?? false);
    } catch (err) {
      return fail(
        `Invalid or unsupported regular expression "${args.pattern}": ${
          (err as Error).message
        } (RE2 syntax: no backreferences or lookaround)`,
      );
    }
    const base = await ctx.fs.relative(args.path ?? ".");
    const files = (await ctx.fs.walk({ path: base, limit: MAX_FILES }))
      .filter((e) => e.kind === "file" && (e.size ?? 0) <= MAX_FILE_BYTES);
    const hits: string[] = [];
    let more = false;
    for (const file of files) {
      if (ctx.signal?.aborted) break;
      let text: string;
      try {
        text = await ctx.fs.readText(file.path);
      } catch {
        continue; // binary or unreadable
      }
      const lines = text.split("\n");
      for (let i = 0; i < lines.length; i++) {
        if (!re.test(lines[i]!)) continue;
        if (hits.length >= MAX_RESULTS) {
          more = true;
          break;
        }
        const line = lines[i]!.trim();
        hits.push(
          `${file.path}:${i + 1}: ${line.length > MAX_LINE ? line.slice(0, MAX_LINE) + "…" : line}`,
        );
      }
      if (more) break;
    }
    if (hits.length === 0) return { ok: true, output: `No matches for "${args.pattern}"` };
    return {
      ok: true,
      output: hits.join("\n") + (more ? `\n... (stopped after ${MAX_RESULTS} matches)` : ""),
    };
  },
};
