import assert from "node:assert/strict";
import { defaultConfig } from "../config/defaults.ts";
import { configuredCommands, inferCommands, mergeCommands } from "./command_inference.ts";
import { memoryFs } from "../../testing/memory_fs.ts";

function commands(specs: { kind: string; command: string }[]): string[] {
  return specs.map((s) => `${s.kind}: ${s.command}`);
}

Deno.test("inferCommands() uses package.json scripts and skips npm's default test stub", async () => {
  const fs = memoryFs({
    "package.json": JSON.stringify({ scripts: { test: "vitest run", lint: "eslint ." } }),
  });
  assert.deepEqual(commands(await inferCommands(fs)), ["lint: npm run lint", "test: npm run test"]);
  const stub = memoryFs({
    "package.json": JSON.stringify({
      scripts: { test: 'echo "Error: no test specified" && exit 1' },
    }),
  });
  assert.deepEqual(await inferCommands(stub), []);
});

Deno.test("inferCommands() picks the package manager from the lockfile", async () => {
  const fs = memoryFs({
    "package.json": JSON.stringify({ scripts: { build: "tsc" } }),
    "pnpm-lock.yaml": "",
  });
  assert.deepEqual(commands(await inferCommands(fs)), ["build: pnpm run build"]);
});

Deno.test("inferCommands() infers deno, python, cargo and go commands", async () => {
  const deno = memoryFs({ "deno.json": "{}", "src/a_test.ts": "" });
  assert.deepEqual(commands(await inferCommands(deno)), [
    "build: deno check .",
    "lint: deno lint",
    "test: deno test",
  ]);
  const py = commands(
    await inferCommands(memoryFs({ "pyproject.toml": "", "tests/test_a.py": "" })),
  );
  assert.equal(py.length, 2);
  assert.match(py[0] ?? "", /^build: PYTHONPYCACHEPREFIX=.* python3 -m compileall -q \.$/);
  assert.match(py[1] ?? "", /^test: .*python3 -m pytest/);
  assert.deepEqual(commands(await inferCommands(memoryFs({ "Cargo.toml": "" }))), [
    "build: cargo check --quiet",
  ]);
  assert.deepEqual(commands(await inferCommands(memoryFs({ "go.mod": "" }))), [
    "build: go build ./...",
    "lint: go vet ./...",
  ]);
});

Deno.test("configuredCommands() lists profile commands, then build and lint commands", () => {
  const { orchestration } = defaultConfig("/tmp");
  const config = {
    ...orchestration,
    validation_build_cmd: "make",
    validation_lint_cmd: "ruff check .",
    validation_profiles: {
      default: {
        ...orchestration.validation_profiles.default!,
        commands: [{ kind: "contract", command: "./check.sh" }],
      },
    },
  };
  assert.deepEqual(commands(configuredCommands(config)), [
    "contract: ./check.sh",
    "build: make",
    "lint: ruff check .",
  ]);
});

Deno.test("mergeCommands() drops inferred commands whose kind is configured", () => {
  const merged = mergeCommands(
    [{ kind: "lint", command: "ruff check .", origin: "config" }],
    [
      { kind: "lint", command: "npm run lint", origin: "inferred" },
      { kind: "test", command: "npm run test", origin: "inferred" },
    ],
  );
  assert.deepEqual(commands(merged), ["lint: ruff check .", "test: npm run test"]);
});
