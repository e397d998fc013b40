/**
 * Which global options apply to which command, written once. Every command's
 * `--help` lists its own options and then the global options that apply to it
 * (they work before or after the command name), so `lao run --help` shows
 * `--single-run`, `--plan`, `--plain` and the rest, and `lao log --help` does
 * not list model flags it ignores.
 *
 * @module
 */
import type { Command, Help, Option } from "commander";

/** Where LAO's state lives: every command that reads or writes a project uses these. */
const PROJECT = ["config", "plansDir", "db", "workspace"] as const;
/** Talking to the model server. */
const SERVER = [
  "lmStudioUrl",
  "plannerModel",
  "coderModel",
  "reviewerModel",
  "embedderModel",
  "pilotModel",
  "ramGb",
  "slots",
] as const;
/** How a run goes. */
const RUN = [
  "plan",
  "singleRun",
  "plain",
  "git",
  "phaseGated",
  "batchSize",
  "maxContextUtilization",
  "qualityGate",
  "planPhase",
  "architectOnly",
  "redecompose",
  "pilot",
  "pilotOnly",
  "sandbox",
  "record",
  "replay",
  "json",
] as const;

/**
 * The global options (by commander attribute name) each command honours.
 * A command missing here shows no global options.
 */
export const COMMAND_GLOBALS: Readonly<Record<string, readonly string[]>> = {
  run: [...PROJECT, ...SERVER, ...RUN],
  home: [...PROJECT, ...SERVER, ...RUN],
  health: [...PROJECT, ...SERVER, "sandbox", "json"],
  preflight: [...PROJECT, "lmStudioUrl", "plannerModel", "plan", "maxContextUtilization", "json"],
  status: [...PROJECT, "json"],
  init: ["config", "lmStudioUrl", "ramGb"],
  "retry-failed": [...PROJECT],
  "reset-failed": [...PROJECT],
  report: [...PROJECT],
  undo: [...PROJECT, "git"],
  log: [...PROJECT],
  diff: [...PROJECT],
  merge: [...PROJECT],
  discard: [...PROJECT],
  sandbox: [...PROJECT, "sandbox", "json"],
  demo: [],
  version: ["json"],
  pilot: [...PROJECT, ...SERVER, "plan", "plain", "git", "sandbox", "json"],
  projects: ["json"],
  "configure-models": [...PROJECT, "lmStudioUrl"],
};

/** The global options of `cmd`'s ancestors that apply to `cmd`. */
export function applicableGlobals(cmd: Command): Option[] {
  const names = COMMAND_GLOBALS[cmd.name()];
  if (!names) return [];
  const own = new Set(cmd.options.map((o) => o.long));
  const found: Option[] = [];
  for (let p = cmd.parent; p; p = p.parent) {
    for (const o of p.options) {
      if (!o.hidden && names.includes(o.attributeName()) && !own.has(o.long)) found.push(o);
    }
  }
  return found;
}

/** Makes every subcommand's help list the global options that apply to it. */
export function configureHelp(program: Command): Command {
  return program.configureHelp({
    showGlobalOptions: true,
    visibleGlobalOptions: (cmd: Command) => applicableGlobals(cmd),
  } as Partial<Help>);
}
