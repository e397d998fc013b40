/**
 * Pilot tools: the coder's workspace tools plus the pipeline tools
 * `create_plan`, `pipeline_status`, `retry_failed`, `resume_pipeline`,
 * `codebase_search`, `project_status` and `gate_summary`. All are run through
 * the coder's never-throwing {@linkcode executeToolCall}.
 *
 * @module
 */
import { z } from "zod";
import { TOOLS } from "../tools/registry.ts";
import { findRelevantFilesTool } from "../tools/find_relevant_files.ts";
import { fail, type Tool, type ToolResult } from "../tools/types.ts";
import { workspaceIo } from "../workspace/guarded_io.ts";
import type { Store } from "../store/store.ts";
import { feedbackFindings } from "../validate/repair.ts";
import createPlanMd from "./prompts/create_plan.md" with { type: "text" };
import pipelineStatusMd from "./prompts/pipeline_status.md" with { type: "text" };
import retryFailedMd from "./prompts/retry_failed.md" with { type: "text" };
import resumePipelineMd from "./prompts/resume_pipeline.md" with { type: "text" };
import codebaseSearchMd from "./prompts/codebase_search.md" with { type: "text" };
import projectStatusMd from "./prompts/project_status.md" with { type: "text" };
import gateSummaryMd from "./prompts/gate_summary.md" with { type: "text" };

/** What the pipeline tools act on (the current project; it changes on a switch). */
export interface PilotToolEnv {
  /** The current project's queue, or undefined when none is bound. */
  store(): Store | undefined;
  /** The current project's plans folder. */
  plansDir(): string;
  /** Asks the session to hand over to the pipeline after this answer. */
  requestResume(): void;
  /** A registered project's details, or the list (`undefined`). */
  projectStatus(nameOrPath?: string): string;
}

function ok(output: string): ToolResult {
  return { ok: true, output };
}

/** The pipeline status text (also `/status`). */
export function pipelineStatusText(store: Store | undefined): string {
  if (!store) return "ERROR: no task queue is bound (no factory.yaml here: run lao init)";
  const lines = ["## Pipeline Status"];
  const counts = Object.entries(store.statusCounts()).filter(([, n]) => n > 0);
  lines.push(
    counts.length ? counts.map(([s, n]) => `${s}: ${n}`).join(", ") : "No tasks in queue.",
  );
  for (const p of store.listPlans().filter((p) => p.status !== "superseded")) {
    const c = store.statusCounts(p.id);
    const total = Object.values(c).reduce((a, b) => a + b, 0);
    lines.push(
      `${p.filename} [${p.status}] — ${c.completed}/${total} done${
        c.failed ? `, ${c.failed} failed` : ""
      }`,
    );
    const failed = store.listTasks(p.id).filter((t) =>
      t.status === "failed" && t.escalation_reason !== "superseded"
    );
    for (const t of failed.slice(0, 5)) {
      lines.push(`  FAILED #${t.id}: ${t.title} (${t.escalation_reason ?? "no reason recorded"})`);
    }
  }
  const tokens = Object.values(store.tokensByRole()).reduce(
    (s, t) => s + t.prompt + t.completion,
    0,
  );
  lines.push(`Tokens used: ${tokens}`);
  return lines.join("\n");
}

/** The quality-gate summary text (also `/gates`). */
export function gateSummaryText(store: Store | undefined): string {
  if (!store) return "ERROR: no task queue is bound (no factory.yaml here: run lao init)";
  const lines = ["## Gate summary"];
  let any = false;
  for (const p of store.listPlans().filter((p) => p.status !== "superseded")) {
    const tasks = store.listTasks(p.id);
    const ids = tasks.map((t) => t.id);
    const failedRuns = ids.length
      ? store.db.prepare(
        `SELECT task_id, kind, command FROM validation_runs WHERE success = 0 AND task_id IN (${
          ids.map(() => "?").join(",")
        }) ORDER BY id DESC LIMIT 5`,
      ).all(...ids) as { task_id: number; kind: string; command: string | null }[]
      : [];
    const open = tasks.filter((t) =>
      (t.status === "failed" && t.escalation_reason !== "superseded") ||
      (t.status === "pending" && t.attempt > 0)
    );
    if (!failedRuns.length && !open.length) continue;
    any = true;
    lines.push(`${p.filename} [${p.status}]`);
    for (const r of failedRuns) {
      lines.push(
        `  validation failed: #${r.task_id} ${r.kind}${r.command ? ` (${r.command})` : ""}`,
      );
    }
    for (const t of open.slice(0, 5)) {
      const findings = feedbackFindings(t.feedback).slice(0, 3);
      lines.push(`  #${t.id} ${t.title} [${t.status}, attempt ${t.attempt}/${t.max_attempts}]`);
      for (const f of findings) lines.push(`    - ${f}`);
    }
  }
  if (!any) lines.push("No failed validations or open findings.");
  return lines.join("\n");
}

/** A tool result for a status text: its `ERROR` lines are failures. */
function textResult(text: string): Promise<ToolResult> {
  return Promise.resolve(text.startsWith("ERROR") ? fail(text) : ok(text));
}

/** `create_plan`: writes a new plan into the plans folder (never over an existing one). */
function createPlanTool(env: PilotToolEnv): Tool {
  return {
    name: "create_plan",
    description: createPlanMd.trim(),
    schema: z.object({
      title: z.string().describe("Plan name (becomes the file name)"),
      content: z.string().min(1).describe("The plan in markdown"),
    }),
    async run(args) {
      const { title, content } = args as { title: string; content: string };
      const name = title.replace(/[^A-Za-z0-9 _-]/g, "").trim().replace(/\s+/g, "_");
      if (!name) return fail("create_plan: the title has no letters or digits");
      const io = workspaceIo(env.plansDir());
      Deno.mkdirSync(env.plansDir(), { recursive: true });
      const file = `${name}.md`;
      if (await io.exists(file)) {
        return fail(`create_plan: plans/${file} already exists; choose another title`);
      }
      await io.writeText(file, content.endsWith("\n") ? content : `${content}\n`);
      return {
        ok: true,
        output: `OK: Created plan ${file} in ${env.plansDir()}. Use /resume to start the pipeline.`,
      };
    },
  };
}

/** `retry_failed`: puts failed tasks back to pending. */
function retryFailedTool(env: PilotToolEnv): Tool {
  return {
    name: "retry_failed",
    description: retryFailedMd.trim(),
    schema: z.object({ plan_id: z.string().optional().describe("Only this plan's tasks") }),
    run: (args) => {
      const store = env.store();
      if (!store) return Promise.resolve(fail("no task queue is bound"));
      const n = store.retryFailed((args as { plan_id?: string }).plan_id);
      return Promise.resolve(ok(
        n === 0
          ? "No failed tasks to retry."
          : `OK: Reset ${n} failed task(s) to pending. Use /resume to start the pipeline.`,
      ));
    },
  };
}

/** `project_status`: one registered project, or the list. */
function projectStatusTool(env: PilotToolEnv): Tool {
  return {
    name: "project_status",
    description: projectStatusMd.trim(),
    schema: z.object({
      name_or_path: z.string().optional().describe("Project name or folder (default: list all)"),
    }),
    run: (args) => textResult(env.projectStatus((args as { name_or_path?: string }).name_or_path)),
  };
}

/** Builds the pipeline tools for `env`. */
export function pipelineTools(env: PilotToolEnv): Tool[] {
  return [
    createPlanTool(env),
    {
      name: "pipeline_status",
      description: pipelineStatusMd.trim(),
      schema: z.object({}),
      run: () => textResult(pipelineStatusText(env.store())),
    },
    retryFailedTool(env),
    {
      name: "resume_pipeline",
      description: resumePipelineMd.trim(),
      schema: z.object({}),
      run: () => {
        env.requestResume();
        return Promise.resolve(ok("OK: Pipeline will resume after this response."));
      },
    },
    {
      name: "codebase_search",
      description: codebaseSearchMd.trim(),
      schema: findRelevantFilesTool.schema,
      run: (args, ctx) => (findRelevantFilesTool as unknown as Tool).run(args, ctx),
    },
    projectStatusTool(env),
    {
      name: "gate_summary",
      description: gateSummaryMd.trim(),
      schema: z.object({}),
      run: () => textResult(gateSummaryText(env.store())),
    },
  ];
}

/** The coder's workspace tools followed by the pipeline tools. */
export function pilotTools(env: PilotToolEnv): Tool[] {
  return [...TOOLS, ...pipelineTools(env)];
}
