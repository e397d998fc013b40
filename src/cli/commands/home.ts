/**
 * Bare `lao` on a terminal: a one-screen summary of this folder (config,
 * server, models, plans) and a menu of the next actions. Without a terminal,
 * bare `lao` is `lao run`.
 *
 * @module
 */
import { existsSync, readdirSync } from "node:fs";
import { checkServer } from "../../models/check_server.ts";
import type { HealthReport } from "../../models/health.ts";
import { environmentPanel, gatherEnvironment } from "./home_panel.ts";
import { style } from "../../ui/output.ts";
import type { CliContext } from "../context.ts";
import { VERSION } from "../version.ts";

/** What the home screen shows. */
export interface HomeFacts {
  config: string | null;
  server: "ok" | "down";
  missingModels: string[];
  plans: number;
  /** The server check behind these facts (for the environment panel). */
  health?: HealthReport;
}

/** A menu entry. */
export interface HomeChoice {
  value:
    | "run"
    | "health"
    | "status"
    | "init"
    | "pilot"
    | "projects"
    | "configure-models"
    | "exit";
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
    { value: "pilot", name: "Chat with the pilot (lao pilot)" },
    { value: "projects", name: "Known projects (lao projects)" },
    { value: "configure-models", name: "Choose the models (lao configure-models)" },
    { value: "exit", name: "Exit" },
  ];
  if (!f.config) return [all[3]!, ...all.filter((c) => c.value !== "init")];
  if (f.server === "down" || f.missingModels.length) {
    return [all[1]!, ...all.filter((c) => c.value !== "health")];
  }
  return all;
}

/** The preselected entry: Exit at the home folder or the filesystem root, else the best next step. */
export function homeDefault(
  choices: readonly HomeChoice[],
  cwd: string,
  home: string | undefined,
): HomeChoice["value"] {
  const here = cwd.replace(/\/+$/, "") || "/";
  const atHome = here === "/" || (home !== undefined && here === home.replace(/\/+$/, ""));
  return atHome ? "exit" : choices[0]!.value;
}

/** The numbered menu (no arrow keys): one line per entry. */
export function numberedMenu(choices: readonly HomeChoice[], def: HomeChoice["value"]): string[] {
  return choices.map((c, i) => `  ${i + 1}) ${c.name}${c.value === def ? " [default]" : ""}`);
}

/** Reads a numbered-menu answer: a number, an id, or empty for the default; null when invalid. */
export function parseMenuAnswer(
  answer: string,
  choices: readonly HomeChoice[],
  def: HomeChoice["value"],
): HomeChoice["value"] | null {
  const a = answer.trim().toLowerCase();
  if (!a) return def;
  const n = Number(a);
  if (Number.isInteger(n) && n >= 1 && n <= choices.length) return choices[n - 1]!.value;
  return choices.find((c) => c.value === a)?.value ?? null;
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
    health,
  };
}

/** Asks for one entry of the menu (the terminal, or a test). */
export type MenuPick = (
  choices: readonly HomeChoice[],
  def: HomeChoice["value"],
) => Promise<HomeChoice["value"]>;

/** Shows the home screen and returns the chosen command (or "exit"); `pick` replaces the terminal menu. */
export async function homeScreen(
  ctx: CliContext,
  pick?: MenuPick,
): Promise<HomeChoice["value"]> {
  const o = ctx.out;
  o.out(style(o, "bold", `LAO ${VERSION}`) + " — local multi-phase coding agent");
  const facts = await homeFacts(ctx);
  o.out(homeSummary(facts));
  if (facts.health) {
    for (const line of environmentPanel(await gatherEnvironment(ctx, facts.health))) o.out(line);
  } else for (const m of facts.missingModels) o.out(`  missing ${m}`);
  const choices = homeChoices(facts);
  const home = ctx.deps.env("HOME");
  const def = homeDefault(choices, ctx.deps.cwd, home);
  if (def === "exit" && choices[0]!.value !== "exit") {
    o.out("warning: this is your home folder (or /): cd into a project folder first");
  }
  if (pick) return await pick(choices, def);
  if (ctx.deps.env("LAO_NO_TUI") === "1") return await numberedChoice(ctx, choices, def);
  const { select } = await import("@inquirer/prompts");
  try {
    return await select({ message: "What next?", choices, default: def });
  } catch (err) {
    if (err instanceof Error && err.name === "ExitPromptError") return "exit";
    throw err;
  }
}

async function numberedChoice(
  ctx: CliContext,
  choices: readonly HomeChoice[],
  def: HomeChoice["value"],
): Promise<HomeChoice["value"]> {
  const { input } = await import("@inquirer/prompts");
  for (const line of numberedMenu(choices, def)) ctx.out.out(line);
  try {
    for (;;) {
      const answer = await input({ message: "What next? (number or name)" });
      const value = parseMenuAnswer(answer, choices, def);
      if (value) return value;
      ctx.out.out(`"${answer}" is not on the menu: type 1-${choices.length}`);
    }
  } catch (err) {
    if (err instanceof Error && err.name === "ExitPromptError") return "exit";
    throw err;
  }
}
