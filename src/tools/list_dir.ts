/**
 * `list_dir`: an indented tree of a workspace folder.
 *
 * @module
 */
import { z } from "zod";
import description from "./list_dir.md" with { type: "text" };
import type { Tool } from "./types.ts";
import type { WorkspaceEntry } from "../workspace/workspace_fs.ts";

const schema = z.object({
  path: z.string().optional().describe("Folder"),
  depth: z.coerce.number().int().min(1).max(8).optional().describe("Levels"),
});

const MAX_ENTRIES = 400;

/** Formats a byte count as `512B`, `12KB`, `3.4MB`. */
export function humanSize(bytes: number): string {
  if (bytes < 1024) return `${bytes}B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)}KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)}MB`;
}

/** Renders walk entries (paths relative to the workspace) below `base` as a tree. */
export function renderTree(entries: readonly WorkspaceEntry[], base: string): string {
  const prefix = base === "." || base === "" ? "" : base.replace(/\/$/, "") + "/";
  const rel = entries
    .filter((e) => e.path.startsWith(prefix) && e.path !== base)
    .map((e) => ({ ...e, rel: e.path.slice(prefix.length) }))
    .filter((e) => !e.rel.split("/").some((part) => part.startsWith(".")));
  const children = new Map<string, typeof rel>();
  for (const e of rel) {
    const parent = e.rel.includes("/") ? e.rel.slice(0, e.rel.lastIndexOf("/")) : "";
    children.set(parent, [...(children.get(parent) ?? []), e]);
  }
  const lines: string[] = [];
  const visit = (dir: string, indent: string) => {
    const kids = [...(children.get(dir) ?? [])].sort((a, b) =>
      Number(b.kind === "dir") - Number(a.kind === "dir") || a.rel.localeCompare(b.rel)
    );
    for (const kid of kids) {
      const name = kid.rel.slice(dir ? dir.length + 1 : 0);
      if (kid.kind === "dir") {
        lines.push(`${indent}${name}/`);
        visit(kid.rel, indent + "  ");
      } else {
        lines.push(`${indent}${name}${kid.size !== undefined ? ` (${humanSize(kid.size)})` : ""}`);
      }
    }
  };
  visit("", "");
  return lines.length ? lines.join("\n") : "(empty directory)";
}

/** The `list_dir` tool. */
export const listDirTool: Tool<typeof schema> = {
  name: "list_dir",
  description: description.trim(),
  schema,
  async run(args, ctx) {
    const base = await ctx.fs.relative(args.path ?? ".");
    const entries = await ctx.fs.walk({
      path: base,
      maxDepth: args.depth ?? 3,
      limit: MAX_ENTRIES,
    });
    const tree = renderTree(entries, base);
    const note = entries.length >= MAX_ENTRIES
      ? `\n... (listing stopped after ${MAX_ENTRIES} entries)`
      : "";
    return { ok: true, output: tree + note };
  },
};
