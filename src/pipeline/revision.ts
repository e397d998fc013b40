/**
 * Decomposing a plan revision (issue 15): only the sections the revision
 * added or changed go to the architect, with the tasks that exist already
 * (and, for a plan on existing code, the code map) as context, so new
 * tasks may depend on old ones; every new task records the section it
 * implements, which the next revision compares.
 *
 * @module
 */
import {
  type ArchitectContext,
  decomposePlan,
  type DecomposePorts,
  type DecomposeResult,
} from "../phases/decompose.ts";
import type { TokenCounter } from "../llm/tokens.ts";
import type { Store } from "../store/store.ts";
import { workspaceMap } from "../codemap/cache.ts";
import { renderMap } from "../codemap/map.ts";
import type { PlanRow, PlanSection } from "../store/types.ts";
import { planFrontMatter, planSections, sectionOfTask, type TextSection } from "./plan_metadata.ts";

/** What decomposing a revision uses: the decompose phase's ports, the task list, the code map. */
export interface RevisionPorts extends DecomposePorts {
  store: DecomposePorts["store"] & Pick<Store, "listTasks" | "markSectionsDecomposed">;
  /** Where the code map's cache lives (`<config dir>/.lao/codemap/`). */
  configDir: string;
  count: TokenCounter;
}

/** Share of the planner's prompt budget the code map may take. */
export const MAP_SHARE = 0.25;

/** The plan text the architect gets: the sections to decompose, and the context around them. */
export async function revisionInput(
  deps: RevisionPorts,
  plan: PlanRow,
  text: string,
): Promise<{ body: string; todo: TextSection[]; extra: ArchitectContext }> {
  const front = planFrontMatter(text);
  const sections = planSections(front.body);
  const stored = plan.sections_json ? (JSON.parse(plan.sections_json) as PlanSection[]) : null;
  const wanted = new Set(stored?.filter((s) => s.decompose).map((s) => s.hash) ?? []);
  const existing = deps.store.listTasks(plan.id).filter((t) => t.status !== "cancelled");
  const partial = stored !== null && existing.length > 0;
  const todo = partial ? sections.filter((s) => wanted.has(s.hash)) : sections;
  const body = partial ? todo.map((s) => s.text).join("\n\n") : front.body;
  const parts: string[] = [];
  if (partial) {
    parts.push(
      "## Tasks that exist already (do not repeat them; a new task may name one of them as a dependency)",
      ...existing.map((t) =>
        `- ${t.title} [${t.status}]${t.file_paths.length ? ` (${t.file_paths.join(", ")})` : ""}`
      ),
    );
  }
  if (plan.workspace_kind === "worktree" && plan.workspace) {
    const map = await codeMapText(deps, plan.workspace, front.body);
    if (map) parts.push("## Existing code in the workspace", map);
  }
  const extra: ArchitectContext = {
    ...(parts.length ? { context: parts.join("\n") } : {}),
    existing: existing.map((t) => ({ id: t.id, title: t.title })),
    sectionOf: (t) => sectionOfTask(t, todo)?.hash ?? null,
  };
  return { body, todo, extra };
}

/** The workspace's code map ranked for `focus`, within the planner's map share. */
export async function codeMapText(
  deps: Pick<RevisionPorts, "config" | "configDir" | "count">,
  workspace: string,
  focus: string,
): Promise<string> {
  const p = deps.config.models.planner;
  const target = Math.floor(p.context_length * deps.config.orchestration.max_context_utilization);
  const budget = Math.floor((target - p.max_completion) * MAP_SHARE);
  if (budget < 64) return "";
  const { map } = await workspaceMap(deps.configDir, workspace);
  return renderMap(map, { text: focus }, budget, (s) => deps.count(s)).text;
}

/** Decomposes the revision's new and changed sections (the whole plan the first time). */
export async function decomposeRevision(
  deps: RevisionPorts,
  plan: PlanRow,
  text: string,
): Promise<DecomposeResult> {
  const input = await revisionInput(deps, plan, text);
  const result = await decomposePlan(deps, plan, input.body, input.extra);
  if (result.ok) deps.store.markSectionsDecomposed(plan.id);
  return result;
}
