/**
 * The home screen's environment panel as a pure function of what was
 * found: config, server (reachable, kind), missing models with a
 * suggestion, the sandbox line, this folder's plans with their progress,
 * and the known projects with pending/failed counts read from their own
 * databases. {@linkcode gatherEnvironment} collects the facts.
 *
 * @module
 */
import { existsSync } from "node:fs";
import type { HealthReport } from "../../models/health.ts";
import type { ProjectEntry } from "../../projects/registry.ts";
import { probeSandbox, realProbeDeps } from "../../sandbox/probe.ts";
import { sandboxStatusLine } from "../../sandbox/status.ts";
import type { CliContext } from "../context.ts";
import { openRegistry } from "./projects.ts";

/** One plan of this folder. */
export interface PlanProgress {
  filename: string;
  status: string;
  done: number;
  failed: number;
  total: number;
}

/** What the panel shows. */
export interface Environment {
  configFile: string | null;
  server: { url: string; reachable: boolean; kind: string | null; authFailed?: boolean };
  /** Missing models: role, configured key, the closest one the server has. */
  missing: { role: string; key: string; suggestion?: string }[];
  sandbox: string;
  plans: PlanProgress[];
  projects: {
    name: string;
    path: string;
    pending: number;
    failed: number;
    current: boolean;
  }[];
}

/** Projects listed on the home screen (the rest: `lao projects list`). */
const MAX_PROJECTS = 8;

/** The panel's lines (no colour). */
export function environmentPanel(env: Environment): string[] {
  const lines: string[] = [];
  lines.push(`  config   ${env.configFile ?? "none here (lao init writes factory.yaml)"}`);
  const s = env.server;
  lines.push(
    `  server   ${s.url} · ${
      !s.reachable
        ? "not reachable"
        : s.authFailed
        ? "refused the API key"
        : `reachable (${s.kind ?? "unknown kind"})`
    }`,
  );
  for (const m of env.missing) {
    lines.push(
      `  missing  ${m.role}: ${m.key}${
        m.suggestion ? ` (the server has ${m.suggestion}: lao configure-models)` : ""
      }`,
    );
  }
  lines.push(`  ${env.sandbox}`);
  if (!env.plans.length) lines.push("  plans    none yet (put a markdown plan in plans/)");
  for (const p of env.plans) {
    lines.push(
      `  plan     ${p.filename} [${p.status}] ${p.done}/${p.total} done${
        p.failed ? `, ${p.failed} failed` : ""
      }`,
    );
  }
  if (env.projects.length) {
    lines.push("  projects");
    for (const p of env.projects.slice(0, MAX_PROJECTS)) {
      lines.push(
        `  ${
          p.current ? "*" : " "
        } ${p.name}: ${p.pending} pending, ${p.failed} failed — ${p.path}`,
      );
    }
    const more = env.projects.length - MAX_PROJECTS;
    if (more > 0) lines.push(`    … and ${more} more (lao projects list)`);
  }
  return lines;
}

/** The registry entries as panel rows (counts as the registry read them). */
export function projectRows(
  entries: readonly ProjectEntry[],
  current: string | undefined,
): Environment["projects"] {
  return entries.map((p) => ({
    name: p.name,
    path: p.path,
    pending: p.pending_tasks,
    failed: p.failed_tasks,
    current: p.path === current,
  }));
}

/** Collects the facts for the panel; `health` is the server check already made. */
export async function gatherEnvironment(
  ctx: CliContext,
  health: HealthReport,
): Promise<Environment> {
  const { config, configFile } = ctx.loaded;
  const shell = config.tools.shell;
  const backend = shell.sandbox === "off"
    ? { kind: "none" as const, reason: "tools.shell.sandbox is off" }
    : await probeSandbox(realProbeDeps());
  const plans: PlanProgress[] = [];
  if (configFile && existsSync(config.paths.database)) {
    for (const plan of ctx.store.listPlans()) {
      const c = ctx.store.statusCounts(plan.id);
      plans.push({
        filename: plan.filename,
        status: plan.status,
        done: c.completed,
        failed: c.failed,
        total: Object.values(c).reduce((a, b) => a + b, 0),
      });
    }
  }
  const registry = await openRegistry(ctx);
  registry.refresh();
  return {
    configFile,
    server: {
      url: health.url,
      reachable: health.server.reachable,
      kind: health.server.kind,
      ...(health.server.authFailed ? { authFailed: true } : {}),
    },
    missing: health.server.reachable
      ? health.roles.filter((r) => !r.present && r.checked !== false).map((r) => ({
        role: r.role,
        key: r.key,
        ...(r.suggestion ? { suggestion: r.suggestion } : {}),
      }))
      : [],
    sandbox: sandboxStatusLine({ backend, mode: shell.sandbox, network: shell.network }),
    plans,
    projects: projectRows(registry.list(), registry.current()?.path),
  };
}
