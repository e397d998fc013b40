/**
 * The `## Current Context` block appended to the Pilot's system prompt,
 * built fresh each turn from the queue and the bound workspace.
 *
 * @module
 */
import type { Store } from "../store/store.ts";

/** What the context block is made of. */
export interface ContextFacts {
  /** The folder the tools work in. */
  workspace: string;
  plansDir: string;
  /** The project's config file, or null. */
  configFile: string | null;
  store: Store | undefined;
  /** Top of the workspace listing (already formatted, one entry a line). */
  structure: string[];
}

/** The context block. */
export function contextBlock(f: ContextFacts): string {
  const lines = [
    "## Current Context",
    `Workspace: ${f.workspace}`,
    `Plans directory: ${f.plansDir}`,
  ];
  if (!f.configFile) lines.push("Config: no factory.yaml found (lao init creates one)");
  const store = f.store;
  if (!store) lines.push("Task queue: none");
  else {
    const counts = Object.entries(store.statusCounts()).filter(([, n]) => n > 0);
    lines.push(
      `Task queue: ${counts.length ? counts.map(([s, n]) => `${s}: ${n}`).join(", ") : "empty"}`,
    );
    const plans = store.listPlans().filter((p) => p.status !== "superseded").slice(-3);
    for (const p of plans) {
      const c = store.statusCounts(p.id);
      const total = Object.values(c).reduce((a, b) => a + b, 0);
      lines.push(
        `Plan '${p.filename}' [${p.status}]: ${c.completed}/${total} done, ${c.pending} pending${
          c.failed ? `, ${c.failed} failed` : ""
        }`,
      );
      const failed = store.listTasks(p.id).filter((t) =>
        t.status === "failed" && t.escalation_reason !== "superseded"
      );
      for (const t of failed.slice(0, 5)) {
        lines.push(
          `  FAILED #${t.id} '${t.title}' (reason: ${
            t.escalation_reason ?? "unknown"
          }, attempts: ${t.attempt}): ${(t.feedback ?? "").slice(0, 300).replace(/\s+/g, " ")}`,
        );
      }
    }
    const tokens = Object.values(store.tokensByRole()).reduce(
      (s, t) => s + t.prompt + t.completion,
      0,
    );
    lines.push(`Total tokens used in this project: ${tokens}`);
  }
  if (f.structure.length) lines.push("Project structure:", ...f.structure.slice(0, 30));
  return lines.join("\n");
}

/** The fallback answer when the model said nothing. */
export function fallbackReply(
  f: { configFile: string | null; workspace: string; queueEmpty: boolean },
): string {
  const parts = ["I wasn't able to complete that request."];
  if (!f.configFile) parts.push(`No factory.yaml found in the current directory (${f.workspace}).`);
  if (f.queueEmpty) parts.push("The task queue is empty.");
  parts.push("Give an exact path, use /project to pick a project, or rephrase the request.");
  return parts.join(" ");
}
