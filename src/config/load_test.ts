import assert from "node:assert/strict";
import { join } from "node:path";
import { UserError } from "../errors.ts";
import { defaultConfig } from "./defaults.ts";
import { ENV_KEYS, loadConfig, type LoadConfigOptions } from "./load.ts";
import { ROLES } from "./schema.ts";

function withDir(fn: (dir: string) => void) {
  const dir = Deno.makeTempDirSync({ prefix: "lao_cfg_" });
  try {
    fn(dir);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

function load(dir: string, yaml: string | null, extra: Partial<LoadConfigOptions> = {}) {
  if (yaml !== null) Deno.writeTextFileSync(join(dir, "factory.yaml"), yaml);
  return loadConfig({ cwd: dir, env: () => undefined, ...extra });
}

function errorOf(fn: () => unknown): UserError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof UserError, `expected a UserError, got ${err}`);
    return err;
  }
  assert.fail("expected an error");
}

/** Every leaf key of the config, with its path. */
function leaves(obj: unknown, path: string[] = []): { path: string[]; value: unknown }[] {
  if (typeof obj !== "object" || obj === null || Array.isArray(obj)) return [{ path, value: obj }];
  if (path.join(".") === "orchestration.validation_profiles") return [{ path, value: obj }];
  return Object.entries(obj).flatMap(([k, v]) => leaves(v, [...path, k]));
}

Deno.test("with no config file every key has the original tool's default", () => {
  withDir((dir) => {
    const { config, configFile, warnings } = load(dir, null);
    assert.equal(configFile, null);
    assert.deepEqual(warnings, []);
    const spec: Record<string, unknown> = {
      "lm_studio_base_url": "http://127.0.0.1:1234",
      "openai_api_key": "lm-studio",
      "total_ram_gb": null,
      "paths.plans": join(dir, "plans"),
      "paths.database": join(dir, ".lao", "state.db"),
      "paths.workspace": join(dir, ".lao", "_misc"),
      "memory_gate.release_fraction": 0.75,
      "memory_gate.swap_growth_limit_mb": 512,
      "memory_gate.settle_timeout_s": 60,
      "orchestration.model_load_timeout_s": 180,
      "orchestration.model_load_poll_interval_s": 3,
      "orchestration.max_task_attempts": 3,
      "orchestration.plan_watch_interval_s": 10,
      "orchestration.llm_request_timeout_s": 300,
      "orchestration.llm_retry_attempts": 3,
      "orchestration.llm_retry_backoff_base_s": 5,
      "orchestration.phase_gated": true,
      "orchestration.coder_batch_size": 4,
      "orchestration.reviewer_batch_size": 6,
      "orchestration.max_context_utilization": 0.85,
      "orchestration.quality_gate_mode": "standard",
      "orchestration.validation_build_cmd": null,
      "orchestration.validation_lint_cmd": null,
      "orchestration.validation_profile": "default",
      "orchestration.placeholder_max_markers_per_kloc": 3,
      "orchestration.placeholder_max_ratio": 0.02,
      "orchestration.preflight_reserved_tokens": 256,
      "orchestration.strict_adherence": false,
      "orchestration.retry_cooldown_base_s": 0,
      "orchestration.retry_cap_coder": 3,
      "orchestration.retry_cap_reviewer": 3,
      "orchestration.retry_cap_validation": 3,
      "orchestration.no_progress_repeat_limit": 2,
      "orchestration.benchmark_min_pass_rate": 0.85,
      "orchestration.benchmark_fail_on_regression": true,
      "orchestration.pilot_mode_enabled": true,
      "orchestration.pilot_context_lines": 50,
      "git.enabled": true,
      "git.plan_file_name": "LAO_PLAN.md",
      "git.commit_trailers": false,
      "models.planner.key": "qwen_qwen3.5-35b-a3b",
      "models.planner.context_length": 32768,
      "models.coder.key": "qwen/qwen3-coder-30b",
      "models.coder.context_length": 16384,
      "models.coder.max_completion": 4096,
      "models.reviewer.key": "deepseek-r1-distill-qwen-32b",
      "models.reviewer.context_length": 8192,
      "models.reviewer.supports_tools": false,
      "models.embedder.key": "text-embedding-nomic-embed-text-v1.5",
      "models.embedder.size_bytes": 84106624,
      "models.pilot.max_completion": 16384,
    };
    const flat = Object.fromEntries(leaves(config).map((l) => [l.path.join("."), l.value]));
    for (const [key, value] of Object.entries(spec)) assert.deepEqual(flat[key], value, key);
    assert.deepEqual(config.orchestration.validation_profiles.default?.block_on_severities, [
      "critical",
      "major",
    ]);
  });
});

Deno.test("every key set in YAML overrides its default", () => {
  withDir((dir) => {
    const defaults = defaultConfig(dir);
    for (const { path, value } of leaves(defaults)) {
      if (path[1] === "validation_profiles") continue;
      let changed: unknown;
      if (typeof value === "boolean") changed = !value;
      else if (typeof value === "number") {
        changed = path.includes("release_fraction") ||
            path.includes("max_context_utilization") || path.includes("benchmark_min_pass_rate") ||
            path.includes("block_min_confidence")
          ? 0.5
          : value + 1;
      } else if (path.join(".") === "lm_studio_base_url") changed = "http://10.0.0.9:1234";
      else if (path.join(".") === "paths.plan_workspace") changed = "project";
      else if (path[0] === "paths") changed = "elsewhere";
      else if (path.join(".") === "orchestration.quality_gate_mode") changed = "strict";
      else if (path.join(".") === "tools.shell.sandbox") changed = "off";
      else if (path.join(".") === "server.kind") changed = "ollama";
      else if (path.at(-1) === "base_url") changed = "http://127.0.0.1:9999";
      else if (Array.isArray(value)) changed = ["x"];
      else if (value === null) changed = path.includes("total_ram_gb") ? 16 : "cmd";
      else changed = `${value}-changed`;
      if (path.join(".") === "orchestration.strict_closure_allowed_statuses") changed = ["partial"];
      if (path.join(".") === "servers") {
        changed = [
          {
            name: "x",
            base_url: "http://127.0.0.1:9",
            kind: "auto",
            api_key: null,
            slots: 2,
            roles: null,
          },
        ];
      }
      if (path.at(-1) === "deny" || path.at(-1) === "allow" || path.at(-1) === "ask") {
        changed = ["rm"];
      }
      const yaml = buildYaml(path, changed);
      const { config, warnings } = load(dir, yaml);
      assert.deepEqual(warnings, [], path.join("."));
      let got: unknown = config;
      for (const p of path) got = (got as Record<string, unknown>)[p];
      const expected = path[0] === "paths" && path[1] !== "plan_workspace"
        ? join(dir, "elsewhere")
        : changed;
      assert.deepEqual(got, expected, path.join("."));
    }
  });
});

function buildYaml(path: string[], value: unknown): string {
  let out = "";
  path.forEach((p, i) => {
    out += "  ".repeat(i) + p + ":" + (i === path.length - 1 ? " " + JSON.stringify(value) : "") +
      "\n";
  });
  return out;
}

Deno.test("environment variables beat YAML and flags beat environment variables", () => {
  withDir((dir) => {
    const yaml = [
      "lm_studio_base_url: http://yaml:1",
      "openai_api_key: yaml-key",
      "total_ram_gb: 8",
      "paths:",
      "  plans: yaml-plans",
      "  database: yaml.db",
      "  workspace: yaml-ws",
    ].join("\n");
    const env: Record<string, string> = {
      LM_STUDIO_BASE_URL: "http://env:2",
      OPENAI_API_KEY: "env-key",
      TOTAL_RAM_GB: "16",
      WORKSPACE_ROOT: "env-ws",
      PLANS_DIR: "env-plans",
      DB_PATH: "env.db",
    };
    assert.equal(ENV_KEYS.length, Object.keys(env).length);
    const fromEnv = load(dir, yaml, { env: (n) => env[n] }).config;
    assert.equal(fromEnv.lm_studio_base_url, "http://env:2");
    assert.equal(fromEnv.openai_api_key, "env-key");
    assert.equal(fromEnv.total_ram_gb, 16);
    assert.equal(fromEnv.paths.workspace, join(dir, "env-ws"));
    assert.equal(fromEnv.paths.plans, join(dir, "env-plans"));
    assert.equal(fromEnv.paths.database, join(dir, "env.db"));

    const fromCli = load(dir, yaml, {
      env: (n) => env[n],
      overrides: {
        lmStudioUrl: "http://cli:3",
        ramGb: 32,
        workspace: "/abs/ws",
        plansDir: "cli-plans",
        db: "cli.db",
        models: { coder: "cli-coder", reviewer: "cli-reviewer" },
        batchSize: 9,
        maxContextUtilization: 0.5,
        qualityGate: "off",
        phaseGated: true,
        git: false,
        sandbox: "required",
      },
    }).config;
    assert.equal(fromCli.lm_studio_base_url, "http://cli:3");
    assert.equal(fromCli.total_ram_gb, 32);
    assert.equal(fromCli.paths.workspace, "/abs/ws");
    assert.equal(fromCli.paths.plans, join(dir, "cli-plans"));
    assert.equal(fromCli.paths.database, join(dir, "cli.db"));
    assert.equal(fromCli.models.coder.key, "cli-coder");
    assert.equal(fromCli.models.reviewer.key, "cli-reviewer");
    assert.equal(fromCli.models.planner.key, "qwen_qwen3.5-35b-a3b");
    assert.equal(fromCli.orchestration.coder_batch_size, 9);
    assert.equal(fromCli.orchestration.max_context_utilization, 0.5);
    assert.equal(fromCli.orchestration.quality_gate_mode, "off");
    assert.equal(fromCli.git.enabled, false);
    assert.equal(fromCli.tools.shell.sandbox, "required");
  });
});

Deno.test("a per-role base_url and api_key override the global ones for that role only", () => {
  withDir((dir) => {
    const { config } = load(
      dir,
      "models:\n  reviewer:\n    base_url: http://gpu-box:1234\n    api_key: secret\n",
    );
    assert.equal(config.models.reviewer.base_url, "http://gpu-box:1234");
    assert.equal(config.models.reviewer.api_key, "secret");
    assert.equal(config.models.reviewer.key, "deepseek-r1-distill-qwen-32b");
    assert.equal(config.models.coder.base_url, null);
  });
});

Deno.test("the config file is found via --config, then LAO_CONFIG, then ./factory.yaml", () => {
  withDir((dir) => {
    Deno.mkdirSync(join(dir, "a"));
    Deno.mkdirSync(join(dir, "b"));
    Deno.writeTextFileSync(join(dir, "a", "x.yaml"), "openai_api_key: from-flag\n");
    Deno.writeTextFileSync(join(dir, "b", "y.yaml"), "openai_api_key: from-env\n");
    Deno.writeTextFileSync(join(dir, "factory.yml"), "openai_api_key: from-yml\n");
    const env = (n: string) => (n === "LAO_CONFIG" ? "b/y.yaml" : undefined);
    assert.equal(
      load(dir, null, { env, configPath: "a/x.yaml" }).config.openai_api_key,
      "from-flag",
    );
    const viaEnv = load(dir, null, { env });
    assert.equal(viaEnv.config.openai_api_key, "from-env");
    assert.equal(viaEnv.configDir, join(dir, "b"));
    assert.equal(viaEnv.config.paths.plans, join(dir, "b", "plans"));
    assert.equal(load(dir, null).config.openai_api_key, "from-yml");
    assert.equal(load(dir, "openai_api_key: from-yaml\n").config.openai_api_key, "from-yaml");
    const missing = errorOf(() => load(dir, null, { configPath: "nope.yaml" }));
    assert.match(missing.message, /Cannot read config "nope.yaml": file not found/);
  });
});

Deno.test("malformed YAML is one line naming file, line, key and what was expected", () => {
  withDir((dir) => {
    const tab = errorOf(() => load(dir, "orchestration:\n\tcoder_batch_size: 3\n"));
    assert.equal(tab.exitCode, 2);
    assert.match(tab.message, /^factory\.yaml:2: invalid YAML: .*[Tt]ab/);
    assert.ok(!tab.message.includes("\n"));

    const wrongType = errorOf(() =>
      load(dir, "git:\n  enabled: true\norchestration:\n  coder_batch_size: four\n")
    );
    assert.equal(
      wrongType.message,
      'factory.yaml:4: orchestration.coder_batch_size: expected a number, got the string "four"',
    );

    const range = errorOf(() => load(dir, "memory_gate:\n  release_fraction: 7\n"));
    assert.equal(
      range.message,
      "factory.yaml:2: memory_gate.release_fraction: expected a value <= 1, got number 7",
    );

    const enumErr = errorOf(() => load(dir, "orchestration:\n  quality_gate_mode: lax\n"));
    assert.match(
      enumErr.message,
      /^factory\.yaml:2: orchestration\.quality_gate_mode: expected one of "off", "standard", "strict"/,
    );
  });
});

Deno.test('a quoted "false" is an error, not true', () => {
  withDir((dir) => {
    const err = errorOf(() => load(dir, 'git:\n  enabled: "false"\n'));
    assert.equal(
      err.message,
      'factory.yaml:2: git.enabled: expected a boolean (true or false, unquoted), got the string "false"',
    );
    assert.equal(load(dir, "git:\n  enabled: false\n").config.git.enabled, false);
  });
});

Deno.test("unknown keys are warnings with a did-you-mean suggestion and a line", () => {
  withDir((dir) => {
    const { warnings, config } = load(
      dir,
      "orchestration:\n  coder_batch_size: 2\n  phase_gatd: false\nmodles: {}\n",
    );
    assert.deepEqual(warnings, [
      'factory.yaml:3: unknown key "orchestration.phase_gatd" (did you mean "orchestration.phase_gated"?), ignored',
      'factory.yaml:4: unknown key "modles" (did you mean "models"?), ignored',
    ]);
    assert.equal(config.orchestration.phase_gated, true);
    assert.equal(config.orchestration.coder_batch_size, 2);
  });
});

Deno.test("a bad environment value or flag names its source", () => {
  withDir((dir) => {
    const env = errorOf(() =>
      load(dir, null, { env: (n) => (n === "TOTAL_RAM_GB" ? "lots" : undefined) })
    );
    assert.equal(
      env.message,
      'environment variable TOTAL_RAM_GB: total_ram_gb: expected a number, got the string "lots"',
    );
    const flag = errorOf(() => load(dir, null, { overrides: { batchSize: 0 } }));
    assert.equal(
      flag.message,
      "flag --batch-size: orchestration.coder_batch_size: expected a value >= 1, got number 0",
    );
  });
});

Deno.test("validation profiles from YAML replace the defaults and get profile defaults", () => {
  withDir((dir) => {
    const { config } = load(
      dir,
      "orchestration:\n  validation_profile: ci\n  validation_profiles:\n    ci:\n      commands:\n        - kind: test\n          command: pytest -q\n",
    );
    assert.deepEqual(Object.keys(config.orchestration.validation_profiles), ["ci"]);
    const ci = config.orchestration.validation_profiles.ci!;
    assert.deepEqual(ci.commands, [{ kind: "test", command: "pytest -q" }]);
    assert.equal(ci.block_min_confidence, 0.6);
  });
});

Deno.test("every role is configurable", () => {
  withDir((dir) => {
    const yaml = "models:\n" + ROLES.map((r) => `  ${r}:\n    key: k-${r}\n`).join("");
    const { config } = load(dir, yaml);
    for (const r of ROLES) assert.equal(config.models[r].key, `k-${r}`);
  });
});
