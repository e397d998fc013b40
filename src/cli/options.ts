/**
 * Global options. Accepted before or after the command.
 *
 * @module
 */
import { type Command, Option } from "commander";
import { UserError } from "../errors.ts";
import type { ConfigOverrides } from "../config/load.ts";
import { ROLES } from "../config/schema.ts";

/** Parsed global options. */
export interface GlobalOptions {
  config?: string;
  lmStudioUrl?: string;
  ramGb?: string;
  workspace?: string;
  plansDir?: string;
  db?: string;
  plannerModel?: string;
  coderModel?: string;
  reviewerModel?: string;
  embedderModel?: string;
  pilotModel?: string;
  plan?: string;
  singleRun?: boolean;
  plain?: boolean;
  git?: boolean;
  phaseGated?: boolean;
  batchSize?: string;
  maxContextUtilization?: string;
  qualityGate?: string;
  planPhase?: string;
  architectOnly?: boolean;
  redecompose?: boolean;
  pilot?: boolean;
  pilotOnly?: boolean;
  sandbox?: string;
  json?: boolean;
  record?: string;
  replay?: string;
  /** Slots of every server for this run (`--slots N`). */
  slots?: string;
}

/** Adds every global option to `cmd`. */
export function addGlobalOptions(cmd: Command): Command {
  return cmd
    .option("--config <path>", "factory.yaml to use (else $LAO_CONFIG, else ./factory.yaml)")
    .option("--lm-studio-url <url>", "model server root URL (overrides lm_studio_base_url)")
    .option("--ram-gb <n>", "total RAM in GB (informational)")
    .option("--workspace <path>", "fallback tool workspace")
    .option("--plans-dir <path>", "plans folder")
    .option("--db <path>", "SQLite state file")
    .option("--planner-model <key>", "planner model key for this run")
    .option("--coder-model <key>", "coder model key for this run")
    .option("--reviewer-model <key>", "reviewer model key for this run")
    .option("--embedder-model <key>", "embedder model key for this run")
    .option("--pilot-model <key>", "pilot model key for this run")
    .option("--plan <path>", "run (or preflight) only this plan")
    .option("--single-run", "process the queue once, then exit")
    .option("--plain", "plain timestamped log instead of the dashboard")
    .option("--no-git", "disable git traceability for this run")
    .option("--phase-gated", "batch coder work, then reviewer work")
    .option("--batch-size <n>", "tasks coded per wave")
    .option(
      "--max-context-utilization <ratio>",
      "share of the planner context the architect may use",
    )
    .addOption(
      new Option("--quality-gate <mode>", "validation gate").choices(["strict", "standard", "off"]),
    )
    .option("--plan-phase <name>", "only code/review tasks of this phase")
    .option("--architect-only", "decompose plans, then stop")
    .option("--redecompose", "with --plan: decompose the whole plan again (not only what changed)")
    .option("--no-pilot", "when idle, watch for plans instead of entering Pilot")
    .option("--pilot-only", "go straight to Pilot")
    .addOption(
      new Option("--sandbox <mode>", "shell sandbox policy").choices(["auto", "required", "off"]),
    )
    .option("--json", "machine-readable output (run: JSON lines of events; others: one document)")
    .option("--record <file>", "append every model exchange to a JSONL cassette")
    .option("--replay <file>", "serve model replies from a cassette (no server needed)")
    .option("--slots <n>", "concurrent requests per model server for this run");
}

/** Turns CLI flag values into config overrides, validating numbers. */
export function toOverrides(o: GlobalOptions, gitGiven: boolean): ConfigOverrides {
  const num = (flag: string, v: string | undefined, int = false): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || (int && !Number.isInteger(n))) {
      throw new UserError(
        `flag ${flag}: expected ${int ? "a whole number" : "a number"}, got "${v}"`,
      );
    }
    return n;
  };
  const models: ConfigOverrides["models"] = {};
  for (const role of ROLES) {
    const v = o[`${role}Model` as const];
    if (v) models[role] = v;
  }
  const out: ConfigOverrides = { models };
  const set = <K extends keyof ConfigOverrides>(k: K, v: ConfigOverrides[K] | undefined) => {
    if (v !== undefined) out[k] = v;
  };
  set("lmStudioUrl", o.lmStudioUrl);
  set("ramGb", num("--ram-gb", o.ramGb));
  set("workspace", o.workspace);
  set("plansDir", o.plansDir);
  set("db", o.db);
  set("batchSize", num("--batch-size", o.batchSize, true));
  set("maxContextUtilization", num("--max-context-utilization", o.maxContextUtilization));
  set("qualityGate", o.qualityGate);
  if (o.phaseGated) out.phaseGated = true;
  if (gitGiven && o.git === false) out.git = false;
  set("sandbox", o.sandbox);
  return out;
}
