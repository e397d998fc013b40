import assert from "node:assert/strict";
import { defaultConfig } from "../config/defaults.ts";
import type { PythonChecker } from "./python_check.ts";
import type { RunCommand } from "./command_runner.ts";
import { validateFiles } from "./validate_files.ts";
import { memoryFs } from "../../testing/memory_fs.ts";

const { orchestration } = defaultConfig("/tmp");
const clock = () => new Date("2025-01-02T03:04:05.000Z");
const fakePython: PythonChecker = (_path, content) =>
  Promise.resolve(
    content.includes("def (")
      ? { kind: "error", issue: { line: 1, column: 5, message: "invalid syntax" } }
      : { kind: "ok" },
  );

function summary(findings: { severity: string; file_path: string | null; issue_class: string }[]) {
  return findings.map((f) => `${f.severity} ${f.file_path ?? "-"} ${f.issue_class}`);
}

Deno.test("validateFiles() reports missing files, syntax errors and bad JSON per file", async () => {
  const fs = memoryFs({
    "app/main.py": "def (:\n    pass\n",
    "src/index.ts": "export function f() {\n  return 1;\n",
    "config.json": '{"a": 1,}',
    "src/Form.jsx": 'export const Form = () => <input placeholder="Name" />;\n',
  });
  const result = await validateFiles({
    fs,
    files: ["app/main.py", "src/index.ts", "config.json", "src/Form.jsx", "src/gone.ts"],
    orchestration,
    pythonChecker: fakePython,
    now: clock,
  });
  assert.deepEqual(summary(result.findings), [
    "major app/main.py python_compile_error",
    "major src/index.ts typescript_syntax_error",
    "major config.json json_parse_error",
    "critical src/gone.ts missing_file",
  ]);
  assert.deepEqual(result.checkedFiles, [
    "app/main.py",
    "src/index.ts",
    "config.json",
    "src/Form.jsx",
  ]);
  assert.deepEqual(result.runs, [{
    kind: "validator:aggregate",
    command: "validate_files",
    success: false,
    exitCode: null,
    output: "findings=4 files=4",
    startedAt: "2025-01-02T03:04:05.000Z",
    finishedAt: "2025-01-02T03:04:05.000Z",
  }]);
});

Deno.test("validateFiles() refuses a path outside the workspace without reading it", async () => {
  const result = await validateFiles({
    fs: memoryFs({}),
    files: ["../../etc/passwd"],
    orchestration,
  });
  assert.deepEqual(summary(result.findings), ["critical - invalid_path"]);
  assert.match(result.findings[0]?.message ?? "", /outside the workspace/);
});

Deno.test("validateFiles() runs a failing package.json test script through runCommand", async () => {
  const calls: string[] = [];
  const runCommand: RunCommand = (command, cwd, timeoutS) => {
    calls.push(`${cwd} ${timeoutS} ${command}`);
    return Promise.resolve({ exitCode: 1, output: "FAIL src/sum.test.js\n  expected 3, got 4\n" });
  };
  const fs = memoryFs({
    "package.json": JSON.stringify({ scripts: { test: "jest" } }),
    "src/sum.js": "module.exports = (a, b) => a + b + 1;\n",
  });
  const result = await validateFiles({
    fs,
    files: ["src/sum.js"],
    orchestration,
    runCommand,
    now: clock,
  });
  assert.deepEqual(calls, ["/ws 180 npm run test"]);
  const [finding] = result.findings;
  assert.equal(finding?.issue_class, "test_command_failed");
  assert.equal(finding?.severity, "major");
  assert.equal(finding?.fix_hint, "FAIL src/sum.test.js\n  expected 3, got 4");
  assert.deepEqual(result.runs.map((r) => [r.kind, r.success, r.exitCode]), [
    ["test", false, 1],
    ["validator:aggregate", false, null],
  ]);
});

Deno.test("validateFiles() reports placeholder density over the changed files", async () => {
  const body = Array.from({ length: 30 }, (_, i) => `// TODO step ${i}\nconst v${i} = ${i};`);
  const result = await validateFiles({
    fs: memoryFs({ "a.ts": body.join("\n") }),
    files: ["a.ts"],
    orchestration,
  });
  assert.deepEqual(summary(result.findings), [
    "minor a.ts placeholder_comment",
    "major - placeholder_density",
    "major - placeholder_ratio",
  ]);
});

Deno.test("validateFiles() passes clean code with a successful aggregate run", async () => {
  const result = await validateFiles({
    fs: memoryFs({ "src/ok.ts": "export const answer = 42;\n" }),
    files: ["src/ok.ts", "./src/ok.ts"],
    orchestration,
  });
  assert.deepEqual(result.findings, []);
  assert.deepEqual(result.checkedFiles, ["src/ok.ts"]);
  assert.equal(result.runs.at(-1)?.success, true);
});
