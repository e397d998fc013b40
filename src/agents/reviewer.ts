/**
 * The reviewer: static validators and the quality gate first (no model call
 * when the gate blocks), then a context-budgeted model review of the task's
 * real diff, asked for structured output where the server supports it and
 * parsed tolerantly. Unreadable answers get one re-ask before they count.
 *
 * @module
 */
import { estimateMessages } from "../llm/tokens.ts";
import type { ChatMessage, ChatResult } from "../llm/types.ts";
import type { PipelineDeps } from "../pipeline/deps.ts";
import { callStructured } from "../pipeline/model_call.ts";
import { evaluateGate } from "../validate/gate.ts";
import type { Finding } from "../validate/finding.ts";
import { buildRepairFeedback } from "../validate/repair.ts";
import { validateFiles } from "../validate/validate_files.ts";
import type { PlanRow, Task } from "../store/store.ts";
import { parseVerdict, type Verdict, verdictResponseFormat } from "./parse/verdict.ts";
import systemPrompt from "./prompts/reviewer_system.md" with { type: "text" };
import reaskPrompt from "./prompts/reviewer_reask.md" with { type: "text" };
import verdictOnlyPrompt from "./prompts/reviewer_verdict_only.md" with { type: "text" };
import { fillTemplate, wasCutOff } from "./truncation.ts";

/** The reviewer's decision (`pipeline/outcome_policy.ts` decides what it does to the task). */
export type ReviewOutcome =
  | { kind: "approved"; summary: string; findings: Finding[] }
  | {
    kind: "rejected";
    /** `validation` = the gate blocked; `review` = the model rejected. */
    stage: "validation" | "review";
    feedback: string;
    findings: Finding[];
  };

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

function toFinding(f: Verdict["findings"][number]): Finding {
  return {
    source: "reviewer",
    severity: f.severity,
    file_path: f.file_path,
    issue_class: f.issue_class,
    message: f.message,
    ...(f.fix_hint ? { fix_hint: f.fix_hint } : {}),
    analyzer_id: "reviewer_model",
    analyzer_kind: "llm",
    confidence: 0.65,
  };
}

function ask(
  deps: PipelineDeps,
  messages: ChatMessage[],
  maxTokens: number,
  meta: { taskId: number; planId: string },
): Promise<ChatResult> {
  return callStructured(
    deps,
    "reviewer",
    { messages, max_tokens: maxTokens, temperature: 0.1 },
    verdictResponseFormat,
    meta,
  );
}

/** Reviews `task` (already in `review`). Throws on model-server errors. */
export async function runReviewer(
  deps: PipelineDeps,
  plan: PlanRow,
  task: Task,
): Promise<ReviewOutcome> {
  const meta = { taskId: task.id, planId: plan.id };
  if (!task.coder_output) {
    return {
      kind: "rejected",
      stage: "validation",
      feedback: "No coder output found.",
      findings: [],
    };
  }
  const fs = await deps.workspaceFs(plan.workspace!);
  const files = task.changed_files.length ? task.changed_files : task.file_paths;
  const runCommand = deps.validationCommand?.(plan.workspace!);
  const validation = await validateFiles({
    fs,
    files,
    orchestration: deps.config.orchestration,
    ...(runCommand ? { runCommand } : { inferCommands: false }),
    now: deps.now,
    signal: deps.signal,
    emit: deps.emit,
  });
  deps.store.addFindings(task.id, task.attempt, validation.findings);
  for (const r of validation.runs) {
    deps.store.addValidationRun({
      taskId: task.id,
      attempt: task.attempt,
      kind: r.kind,
      command: r.command,
      returnCode: r.exitCode,
      success: r.success,
      output: r.output,
      startedAt: r.startedAt,
      finishedAt: r.finishedAt,
    });
  }
  const gate = evaluateGate(validation.findings, deps.config.orchestration);
  if (gate.blocked) {
    return {
      kind: "rejected",
      stage: "validation",
      feedback: buildRepairFeedback(gate.blocking, { clause: "Validation Contract" }),
      findings: gate.blocking,
    };
  }

  const role = deps.config.models.reviewer;
  const reserve = Math.min(role.max_completion, Math.floor(role.context_length / 3));
  const factor = deps.calibration.factor(role.key);
  const system: ChatMessage = { role: "system", content: systemPrompt.trim() };
  const fits = (text: string) =>
    Math.ceil(estimateMessages(deps.count, [system, { role: "user", content: text }]) * factor) <=
      role.context_length - reserve;
  const diff = task.diff ?? "";
  const excerpts: Excerpt[] = [];
  for (const path of modifiedFiles(diff).slice(0, 5)) {
    const text = await fs.readText(path).catch(() => null);
    if (text !== null) excerpts.push({ path, text: text.split("\n").slice(0, 200).join("\n") });
  }
  const messages: ChatMessage[] = [
    system,
    { role: "user", content: reviewInput(task, diff, task.coder_output, fits, excerpts) },
  ];
  const first = await ask(deps, messages, reserve, meta);
  let verdict = parseVerdict(first.content, first.reasoning);
  if (verdict.verdict === "unparseable") {
    // Cut at max_tokens: ask for the verdict only (the long answer is not repeated).
    const cut = wasCutOff(first);
    const quoted = (first.content || first.reasoning).slice(0, cut ? 600 : 2000);
    const again = await ask(
      deps,
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
    verdict = parseVerdict(again.content, again.reasoning);
    if (verdict.verdict === "unparseable" && (cut || wasCutOff(again))) {
      verdict = {
        ...verdict,
        summary: `the review was cut at max_tokens=${reserve} before a verdict ` +
          `(raise models.reviewer.max_completion): ${verdict.summary.slice(0, 300)}`,
      };
    }
  }
  const findings = verdict.findings.map(toFinding);
  deps.store.addFindings(task.id, task.attempt, findings);
  if (verdict.verdict === "approved") {
    return { kind: "approved", summary: verdict.summary, findings };
  }
  const fallback = verdict.verdict === "unparseable"
    ? `The reviewer's answer could not be read: ${verdict.summary.slice(0, 500)}`
    : verdict.summary;
  const blocking = findings.filter((f) => f.severity === "critical" || f.severity === "major");
  return {
    kind: "rejected",
    stage: "review",
    feedback: buildRepairFeedback(blocking.length ? blocking : findings, {
      clause: "Reviewer Contract",
      ...(fallback ? { fallback } : {}),
    }),
    findings,
  };
}
