/**
 * The reviewer model: a context-budgeted review of a task's real diff, with
 * whole excerpts of the files it modified, asked for structured output where
 * the server supports it and parsed tolerantly. Unreadable answers get one
 * re-ask before they count. The validators and the gate run before it, in
 * the review phase (`phases/review.ts`), which also decides what the verdict
 * does to the task.
 *
 * @module
 */
import type { RoleConfig } from "../config/schema.ts";
import { estimateMessages } from "../llm/tokens.ts";
import type { ChatMessage, ChatResult } from "../llm/types.ts";
import type { Task } from "../store/store.ts";
import type { WorkspaceFs } from "../workspace/workspace_fs.ts";
import type { ModelPort } from "./model_port.ts";
import { parseVerdict, type Verdict, verdictResponseFormat } from "./parse/verdict.ts";
import systemPrompt from "./prompts/reviewer_system.md" with { type: "text" };
import reaskPrompt from "./prompts/reviewer_reask.md" with { type: "text" };
import verdictOnlyPrompt from "./prompts/reviewer_verdict_only.md" with { type: "text" };
import { fillTemplate, wasCutOff } from "./truncation.ts";

/** What the reviewer model works with. */
export interface ReviewerPorts {
  model: ModelPort;
  /** `models.reviewer`. */
  settings: RoleConfig;
  /** The plan workspace (modified files are shown whole). */
  fs: Pick<WorkspaceFs, "readText">;
}

/** A file shown to the reviewer beside the diff. */
export interface Excerpt {
  path: string;
  text: string;
}

/**
 * Builds the review request within the reviewer's budget: task, the diff
 * (cut from the end when it does not fit), then whole excerpts of modified
 * files for context, each only while it still fits.
 */
export function reviewInput(
  task: Task,
  diff: string,
  summary: string,
  fits: (text: string) => boolean,
  excerpts: readonly Excerpt[] = [],
): string {
  const head = `## Task Specification: ${task.title}\n\n${task.description}\n\n` +
    (task.file_paths.length ? `Target files: ${task.file_paths.join(", ")}\n\n` : "");
  const tail = `\n\n## Coder summary\n${summary.slice(0, 1000)}`;
  const lines = diff.split("\n");
  const build = (n: number, context: string) => {
    const cut = n < lines.length
      ? `\n... diff cut: ${lines.length - n} more lines not shown ...`
      : "";
    return `${head}## Change (unified diff)\n\`\`\`diff\n${
      lines.slice(0, n).join("\n")
    }${cut}\n\`\`\`${context}${tail}`;
  };
  let keep = lines.length;
  let text = build(keep, "");
  while (!fits(text) && keep > 20) {
    keep = Math.floor(keep * 0.8);
    text = build(keep, "");
  }
  if (keep < lines.length) return text;
  let context = "";
  for (const e of excerpts) {
    const candidate = `${context}\n\n### Current file: ${e.path}\n\`\`\`\n${e.text}\n\`\`\``;
    if (!fits(build(keep, candidate))) break;
    context = candidate;
  }
  return build(keep, context);
}

/** Modified (not newly created) files of a diff, which the reviewer may see whole. */
export function modifiedFiles(diff: string): string[] {
  return [...diff.matchAll(/^--- a\/(.+)$/gm)].map((m) => m[1]!.trim());
}

function ask(
  ports: ReviewerPorts,
  messages: ChatMessage[],
  maxTokens: number,
  meta: { taskId: number; planId: string },
): Promise<ChatResult> {
  return ports.model.callStructured(
    "reviewer",
    { messages, max_tokens: maxTokens, temperature: 0.1 },
    verdictResponseFormat,
    meta,
  );
}

/**
 * Asks the reviewer model about `task`'s diff (the task has coder output).
 * An answer cut at `max_tokens` is asked again for the verdict only; an
 * unreadable verdict says so in its summary. Throws on model-server errors.
 */
export async function askReviewer(
  ports: ReviewerPorts,
  planId: string,
  task: Task,
): Promise<Verdict> {
  const meta = { taskId: task.id, planId };
  const role = ports.settings;
  const reserve = Math.min(role.max_completion, Math.floor(role.context_length / 3));
  const factor = ports.model.factor("reviewer");
  const system: ChatMessage = { role: "system", content: systemPrompt.trim() };
  const fits = (text: string) =>
    Math.ceil(
      estimateMessages(ports.model.count, [system, { role: "user", content: text }]) *
        factor,
    ) <=
      role.context_length - reserve;
  const diff = task.diff ?? "";
  const excerpts: Excerpt[] = [];
  for (const path of modifiedFiles(diff).slice(0, 5)) {
    const text = await ports.fs.readText(path).catch(() => null);
    if (text !== null) excerpts.push({ path, text: text.split("\n").slice(0, 200).join("\n") });
  }
  const messages: ChatMessage[] = [
    system,
    { role: "user", content: reviewInput(task, diff, task.coder_output ?? "", fits, excerpts) },
  ];
  const first = await ask(ports, messages, reserve, meta);
  const verdict = parseVerdict(first.content, first.reasoning);
  if (verdict.verdict !== "unparseable") return verdict;
  // Cut at max_tokens: ask for the verdict only (the long answer is not repeated).
  const cut = wasCutOff(first);
  const quoted = (first.content || first.reasoning).slice(0, cut ? 600 : 2000);
  const again = await ask(
    ports,
    [
      ...messages,
      { role: "assistant", content: quoted || "(no answer)" },
      {
        role: "user",
        content: cut
          ? fillTemplate(verdictOnlyPrompt, { max_tokens: reserve })
          : reaskPrompt.trim(),
      },
    ],
    reserve,
    meta,
  );
  const second = parseVerdict(again.content, again.reasoning);
  if (second.verdict === "unparseable" && (cut || wasCutOff(again))) {
    return {
      ...second,
      summary: `the review was cut at max_tokens=${reserve} before a verdict ` +
        `(raise models.reviewer.max_completion): ${second.summary.slice(0, 300)}`,
    };
  }
  return second;
}
