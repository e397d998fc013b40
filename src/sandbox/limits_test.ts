import assert from "node:assert/strict";
import { join } from "node:path";
import { loadConfig } from "../config/load.ts";
import { UserError } from "../errors.ts";
import { defaultConfig } from "../config/defaults.ts";
import { DEFAULT_LIMITS } from "./host_view.ts";
import { shellLimitsFromConfig } from "./limits.ts";

Deno.test("limits: the configured defaults are the sandbox's defaults, in bytes", () => {
  const l = shellLimitsFromConfig(defaultConfig("/p").tools.shell.limits);
  assert.deepEqual(l, { ...DEFAULT_LIMITS });
});

Deno.test("limits: megabytes become bytes, counts and seconds stay", () => {
  const l = shellLimitsFromConfig({
    processes: 32,
    memory_mb: 256,
    cpu_seconds: 5,
    file_size_mb: 2,
    workspace_growth_mb: 8,
    tmp_mb: 16,
  });
  assert.deepEqual(l, {
    processes: 32,
    memoryBytes: 256 * 1024 ** 2,
    cpuSeconds: 5,
    fileSizeBytes: 2 * 1024 ** 2,
    workspaceGrowthBytes: 8 * 1024 ** 2,
    tmpfsBytes: 16 * 1024 ** 2,
  });
});

function loadYaml(yaml: string) {
  const dir = Deno.makeTempDirSync({ prefix: "lao_limits_" });
  try {
    Deno.writeTextFileSync(join(dir, "factory.yaml"), yaml);
    return loadConfig({ cwd: dir, env: () => undefined });
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

Deno.test("limits: tools.shell.limits from factory.yaml reach the runner, the rest stay default", () => {
  const { config, warnings } = loadYaml(
    "tools:\n  shell:\n    limits:\n      memory_mb: 256\n      processes: 64\n",
  );
  assert.deepEqual(warnings, []);
  const l = shellLimitsFromConfig(config.tools.shell.limits);
  assert.equal(l.memoryBytes, 256 * 1024 ** 2);
  assert.equal(l.processes, 64);
  assert.equal(l.cpuSeconds, DEFAULT_LIMITS.cpuSeconds);
  assert.equal(l.tmpfsBytes, DEFAULT_LIMITS.tmpfsBytes);
});

Deno.test("limits: a limit out of range is one line with its key and unit", () => {
  const err = (yaml: string) => {
    try {
      loadYaml(yaml);
    } catch (e) {
      assert.ok(e instanceof UserError, String(e));
      return e.message;
    }
    assert.fail("expected an error");
  };
  assert.match(
    err("tools:\n  shell:\n    limits:\n      memory_mb: 10\n"),
    /tools\.shell\.limits\.memory_mb: expected a value >= 64 MB, got number 10/,
  );
  assert.match(
    err("tools:\n  shell:\n    limits:\n      processes: 2.5\n"),
    /tools\.shell\.limits\.processes/,
  );
  assert.match(
    err("tools:\n  shell:\n    limits:\n      tmp_mb: 0\n"),
    /tools\.shell\.limits\.tmp_mb: expected a value >= 1 MB, got number 0/,
  );
  assert.doesNotMatch(err("tools:\n  shell:\n    limits:\n      tmp_mb: 0\n"), /\n/);
});
