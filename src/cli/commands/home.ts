/**
 * Bare `lao` on a terminal: a one-screen summary of this folder (config,
 * server, models, plans) and a menu of the next actions. Without a terminal,
 * bare `lao` is `lao run`.
 *
 * @module
 */
import { existsSync, readdirSync } from "node:fs";
import { checkServer } from "../../models/check_server.ts";
import { environmentPanel, gatherEnvironment } from "./home_panel.ts";
import { style } from "../../ui/output.ts";
import type { CliContext } from "../context.ts";
import { VERSION } from "../version.ts";
import {
  type HomeChoice,
  homeChoices,
  homeDefault,
  type HomeFacts,
  homeSummary,
  type MenuPick,
  numberedMenu,
  parseMenuAnswer,
} from "./home_menu.ts";

export type { HomeChoice, MenuPick };

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
