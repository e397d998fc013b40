/**
 * Bare `lao` on a terminal: a one-screen summary of this folder (config,
 * server, models, plans) and a menu of the next actions. Without a terminal,
 * bare `lao` is `lao run`.
 *
 * @module
 */
import { existsSync, readdirSync } from "node:fs";
import { checkServer } from "../../models/check_server.ts";
import { style } from "../../ui/output.ts";
import type { CliContext } from "../context.ts";
import { VERSION } from "../version.ts";

/** What the home screen shows. */
export interface HomeFacts {
  config: string | null;
  server: "ok" | "down";
  missingModels: string[];
  plans: number;
}

/** A menu entry. */
export interface HomeChoice {
  value: "run" | "health" | "status" | "init" | "exit";
  name: string;
}

/** The summary line, e.g. `config ok · server ok · models ok · 2 plan(s)`. */
export function homeSummary(f: HomeFacts): string {
  const models = f.server === "down"
    ? "models —"
    : f.missingModels.length
    ? `models: ${f.missingModels.length} missing`
    : "models ok";
  return `${
    f.config ? "config ok" : "config missing"
  } · server ${f.server} · ${models} · ${f.plans} plan(s)`;
}

/** The menu, best next step first. */
export function homeChoices(f: HomeFacts): HomeChoice[] {
  const all: HomeChoice[] = [
    { value: "run", name: "Run the pipeline (lao run)" },
    { value: "health", name: "Check the server and models (lao health)" },
    { value: "status", name: "Show task status (lao status)" },
    { value: "init", name: "Initialize this folder (lao init)" },
    { value: "exit", name: "Exit" },
  ];
  if (!f.config) return [all[3]!, ...all.filter((c) => c.value !== "init")];
  if (f.server === "down" || f.missingModels.length) {
    return [all[1]!, ...all.filter((c) => c.value !== "health")];
  }
  return all;
}

/** Gathers the facts (a quick, non-loading server probe). */
export async function homeFacts(ctx: CliContext): Promise<HomeFacts> {
  const { config, configFile } = ctx.loaded;
  const plans = existsSync(config.paths.plans)
    ? readdirSync(config.paths.plans).filter((f) => /\.md$/i.test(f) && !/^readme\.md$/i.test(f))
      .length
    : 0;
  const health = await checkServer(config);
  return {
    config: configFile,
    server: health.server.reachable ? "ok" : "down",
    missingModels: health.roles.filter((r) => !r.present).map((r) => `${r.role}: ${r.key}`),
    plans,
  };
}

/** Shows the home screen and returns the chosen command (or "exit"). */
export async function homeScreen(ctx: CliContext): Promise<HomeChoice["value"]> {
  const o = ctx.out;
  o.out(style(o, "bold", `LAO ${VERSION}`) + " — local multi-phase coding agent");
  const facts = await homeFacts(ctx);
  o.out(homeSummary(facts));
  for (const m of facts.missingModels) o.out(`  missing ${m}`);
  const { select } = await import("@inquirer/prompts");
  try {
    return await select({ message: "What next?", choices: homeChoices(facts) });
  } catch (err) {
    if (err instanceof Error && err.name === "ExitPromptError") return "exit";
    throw err;
  }
}
