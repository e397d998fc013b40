/**
 * The home screen's menu as pure functions: the summary line, the menu's
 * entries in order of the best next step, the preselected entry, and the
 * numbered menu for terminals without arrow keys.
 *
 * @module
 */
import type { HealthReport } from "../../models/health.ts";

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

/** Asks for one entry of the menu (the terminal, or a test). */
export type MenuPick = (
  choices: readonly HomeChoice[],
  def: HomeChoice["value"],
) => Promise<HomeChoice["value"]>;
