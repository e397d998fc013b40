/**
 * `lao init`: scaffolds `factory.yaml`, `plans/` (with its README) and `.lao/`
 * in the current folder. Never overwrites an existing `factory.yaml` without
 * `--force`.
 *
 * @module
 */
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import YAML from "yaml";
import exampleConfig from "../../../factory.example.yaml" with { type: "text" };
import plansReadme from "../../../plans/README.md" with { type: "text" };
import { UserError } from "../../errors.ts";
import type { CliDeps } from "../context.ts";
import { suggestedModels } from "./model_tiers.ts";

export { suggestedModels };

/** Options of `lao init`. */
export interface InitOptions {
  interactive?: boolean;
  force?: boolean;
  skipReadme?: boolean;
  /** Answers of the interactive wizard (asked by the caller). */
  answers?: {
    baseUrl: string;
    ramGb: number;
    /** Keys per role (default: the tier's suggestions). */
    models?: Partial<Record<string, string>>;
    /** A starter plan `plans/<name>.md`. */
    starterPlan?: { name: string; goal: string };
  };
}

/** Runs `lao init` in `deps.cwd`. Returns the exit code. */
export function initCommand(deps: CliDeps, opts: InitOptions): number {
  const dir = deps.cwd;
  const o = deps.output;
  const configPath = join(dir, "factory.yaml");
  if (existsSync(configPath) && !opts.force) {
    throw new UserError(
      `Cannot write "factory.yaml": it already exists (use --force to overwrite it)`,
    );
  }
  let text = exampleConfig;
  if (opts.answers) {
    const doc = YAML.parseDocument(exampleConfig);
    doc.set("lm_studio_base_url", opts.answers.baseUrl);
    doc.set("total_ram_gb", opts.answers.ramGb);
    const keys = opts.answers.models ?? suggestedModels(opts.answers.ramGb);
    for (const [role, key] of Object.entries(keys)) {
      if (key) doc.setIn(["models", role, "key"], key);
    }
    text = doc.toString();
  }
  mkdirSync(join(dir, "plans"), { recursive: true });
  mkdirSync(join(dir, ".lao"), { recursive: true });
  // Temp file + rename: a full disk or a crash never leaves a truncated factory.yaml.
  const temp = `${configPath}.${crypto.randomUUID()}.tmp`;
  try {
    writeFileSync(temp, text, { flag: "wx" });
    renameSync(temp, configPath);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
  o.out(`wrote factory.yaml`);
  const readme = join(dir, "plans", "README.md");
  if (!opts.skipReadme && !existsSync(readme)) {
    writeFileSync(readme, plansReadme);
    o.out(`wrote plans/README.md`);
  }
  const plan = opts.answers?.starterPlan;
  if (plan) {
    const file = join(dir, "plans", `${plan.name}.md`);
    if (existsSync(file)) o.out(`kept plans/${plan.name}.md (it exists)`);
    else {
      writeFileSync(
        file,
        `# ${plan.name}\n\n## Goal\n\n${plan.goal}\n\n## Notes\n\nExpand this plan before running.\n`,
      );
      o.out(`wrote plans/${plan.name}.md`);
    }
  }
  o.out("created plans/ and .lao/");
  o.out(
    "next: check the model keys in factory.yaml, run `lao health`, then drop a plan into plans/ and run `lao run`",
  );
  return 0;
}
