/**
 * The `lao init` wizard: server URL probed live (backend detected, models
 * listed), memory read from the machine, per-role keys suggested from what
 * the server has, a summary, a starter plan. A bad answer is asked again;
 * Ctrl+C anywhere is an interrupt (exit 130) and nothing is written, since
 * every file is written only after the last answer. The questions go
 * through an injected {@linkcode Prompter}, so tests run it without a
 * terminal.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { RoleName } from "../../config/schema.ts";
import { ROLE_DEFAULTS } from "../../config/role_defaults.ts";
import { ROLES } from "../../domain/roles.ts";
import { InterruptedError, UserError } from "../../errors.ts";
import type { ModelInfo, ServerKind } from "../../models/types.ts";
import type { Output } from "../../ui/output.ts";
import { suggestedModels } from "./model_tiers.ts";

/** The questions the wizard asks (the terminal, or a script in tests). */
export interface Prompter {
  input(
    q: { message: string; default?: string; validate?: (v: string) => true | string },
  ): Promise<string>;
  confirm(q: { message: string; default: boolean }): Promise<boolean>;
  select(
    q: { message: string; choices: { value: string; name: string }[]; default?: string },
  ): Promise<string>;
}

/** The wizard's answers. */
export interface WizardAnswers {
  baseUrl: string;
  ramGb: number;
  models: Partial<Record<RoleName, string>>;
  starterPlan?: { name: string; goal: string };
}

/** What a live probe found. */
export interface Probe {
  kind: ServerKind;
  models: ModelInfo[];
}

/** Probes `url`: the backend kind and its models; null when nothing answers. */
export async function probeServer(url: string): Promise<Probe | null> {
  const endpoint = { root: url, apiKey: "lm-studio" };
  // Loaded on first use: the server clients only when a probe runs.
  const { backendOfKind, detectServerKind } = await import("../../models/detect.ts");
  try {
    const kind = await detectServerKind(endpoint);
    const models = await backendOfKind(kind, endpoint, 30_000).list();
    return { kind, models };
  } catch {
    return null;
  }
}

/** This machine's memory in GB (rounded), or 16 when it cannot be read. */
export function machineRamGb(): number {
  try {
    return Math.max(1, Math.round(Deno.systemMemoryInfo().total / 1024 ** 3));
  } catch {
    return 16;
  }
}

const KIND_NAME: Record<ServerKind, string> = {
  lmstudio: "LM Studio",
  ollama: "Ollama",
  llamacpp: "llama.cpp",
  openai: "an OpenAI-compatible server",
};

/** The key for `role` from the server's list: the tier's suggestion, the default, or the first fit. */
export function pickKey(role: RoleName, ramGb: number, models: ModelInfo[]): string {
  const wanted = role === "embedder" ? "embedding" : "llm";
  const fits = models.filter((m) => m.type === wanted);
  const tier = suggestedModels(ramGb)[role];
  const fallback = ROLE_DEFAULTS[role].key;
  for (const k of [tier, fallback]) if (k && fits.some((m) => m.key === k)) return k;
  const budget = ramGb * 1e9 * 0.8;
  const small = fits.filter((m) => !m.sizeBytes || m.sizeBytes <= budget)
    .sort((a, b) => (b.sizeBytes ?? 0) - (a.sizeBytes ?? 0));
  return small[0]?.key ?? fits[0]?.key ?? tier ?? fallback;
}

/** False when factory.yaml exists and may not (or, asked, should not) be overwritten. */
async function mayWrite(
  dir: string,
  opts: { force?: boolean },
  ask: Prompter,
  out: Output,
): Promise<boolean> {
  if (!existsSync(join(dir, "factory.yaml"))) return true;
  if (!opts.force) {
    throw new UserError(
      `Cannot write "factory.yaml": it already exists (use --force to overwrite it, or lao configure-models to change the models)`,
    );
  }
  if (await ask.confirm({ message: "factory.yaml exists. Overwrite it?", default: false })) {
    return true;
  }
  out.out("Kept the existing factory.yaml; nothing written.");
  return false;
}

/** Asks for the server URL until one answers, or the user keeps one that does not. */
async function askServer(
  ask: Prompter,
  out: Output,
  probe: typeof probeServer,
): Promise<{ baseUrl: string; found: Probe | null }> {
  let baseUrl = "";
  for (;;) {
    baseUrl = (await ask.input({
      message: "Model server URL",
      default: baseUrl || "http://127.0.0.1:1234",
      validate: (v) =>
        /^https?:\/\/[^\s/]+/.test(v.trim()) ||
        "Enter an http:// or https:// URL, e.g. http://127.0.0.1:1234",
    })).trim().replace(/\/+$/, "").replace(/\/v1$/, "");
    const found = await probe(baseUrl);
    if (found) {
      const llms = found.models.filter((m) => m.type === "llm").length;
      out.out(
        `found ${
          KIND_NAME[found.kind]
        } at ${baseUrl}: ${found.models.length} model(s), ${llms} chat model(s)`,
      );
      return { baseUrl, found };
    }
    out.out(`No model server answers at ${baseUrl}.`);
    const keep = await ask.confirm({
      message: "Use this URL anyway (start the server later)?",
      default: false,
    });
    if (keep) return { baseUrl, found: null };
  }
}

/** Asks for the machine's memory in GB (the default read from the machine). */
async function askRam(ask: Prompter, ramGb: () => number): Promise<number> {
  const ram = await ask.input({
    message: "RAM/VRAM in GB",
    default: String(ramGb()),
    validate: (v) => {
      const n = Number(v.trim());
      return (Number.isFinite(n) && n > 0 && n <= 4096) || "Enter a number of GB, e.g. 32";
    },
  });
  return Number(ram.trim());
}

/** Suggests a model per role from the server's `list` (or the tier), shows them, lets the user pick others. */
async function askModels(
  ask: Prompter,
  out: Output,
  ramGb: number,
  list: ModelInfo[],
): Promise<Partial<Record<RoleName, string>>> {
  const models: Partial<Record<RoleName, string>> = {};
  for (const role of ROLES) {
    models[role] = list.length ? pickKey(role, ramGb, list) : suggestedModels(ramGb)[role] ??
      ROLE_DEFAULTS[role].key;
  }
  out.out(`Tier: ${ramGb < 24 ? "small" : ramGb < 64 ? "medium" : "large"} (${ramGb} GB)`);
  for (const role of ROLES) out.out(`  ${role.padEnd(9)} ${models[role]}`);
  if (!list.length || await ask.confirm({ message: "Use these models?", default: true })) {
    return models;
  }
  for (const role of ROLES) {
    const wanted = role === "embedder" ? "embedding" : "llm";
    const choices = list.filter((m) => m.type === wanted).map((m) => ({
      value: m.key,
      name: m.key,
    }));
    if (choices.length) {
      models[role] = await ask.select({
        message: `Model for ${role}`,
        choices,
        default: models[role]!,
      });
    }
  }
  return models;
}

/** Asks whether to write a starter plan, and its name and goal. */
async function askStarterPlan(ask: Prompter): Promise<WizardAnswers["starterPlan"]> {
  if (!await ask.confirm({ message: "Write a starter plan?", default: true })) return undefined;
  const name = (await ask.input({
    message: "Plan name",
    default: "InitialSetup",
    validate: (v) => /^[A-Za-z0-9][\w-]*$/.test(v.trim()) || "Letters, digits, - and _ only",
  })).trim();
  const goal = (await ask.input({ message: "Goal (one line)", default: "Set up the project" }))
    .trim();
  return { name, goal };
}

/** Asks everything; throws `UserError` for an existing factory.yaml before the first question. */
export async function runWizard(
  dir: string,
  opts: { force?: boolean },
  ask: Prompter,
  out: Output,
  deps: { probe?: typeof probeServer; ramGb?: () => number } = {},
): Promise<WizardAnswers | null> {
  if (!await mayWrite(dir, opts, ask, out)) return null;
  const { baseUrl, found } = await askServer(ask, out, deps.probe ?? probeServer);
  const ramGb = await askRam(ask, deps.ramGb ?? machineRamGb);
  const models = await askModels(ask, out, ramGb, found?.models ?? []);
  const starterPlan = await askStarterPlan(ask);
  return { baseUrl, ramGb, models, ...(starterPlan ? { starterPlan } : {}) };
}

/** The terminal prompter (`@inquirer/prompts`); Ctrl+C becomes an interrupt. */
export async function terminalPrompter(): Promise<Prompter> {
  const p = await import("@inquirer/prompts");
  const guard = async <T>(f: () => Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (err) {
      if (err instanceof Error && err.name === "ExitPromptError") {
        throw new InterruptedError("init cancelled");
      }
      throw err;
    }
  };
  return {
    input: (q) =>
      guard(() =>
        p.input({
          message: q.message,
          ...(q.default ? { default: q.default } : {}),
          ...(q.validate ? { validate: q.validate } : {}),
        })
      ),
    confirm: (q) => guard(() => p.confirm(q)),
    select: (q) =>
      guard(() =>
        p.select({
          message: q.message,
          choices: q.choices,
          ...(q.default ? { default: q.default } : {}),
        })
      ),
  };
}
