import assert from "node:assert/strict";
import { checkPython, python3BatchChecker, python3Checker, PYTHON_FLAGS } from "./python_check.ts";

const hasPython = await new Deno.Command("python3", {
  args: ["--version"],
  stdout: "null",
  stderr: "null",
})
  .output().then((o) => o.success, () => false);

Deno.test({
  name: "python3Checker() reports a syntax error with the workspace-relative path and line",
  ignore: !hasPython,
  fn: async () => {
    const findings = await checkPython("app/main.py", "def main(:\n    return 1\n");
    assert.equal(findings.length, 1);
    assert.equal(findings[0]?.issue_class, "python_compile_error");
    assert.match(findings[0]?.message ?? "", /^Cannot compile "app\/main\.py:1:\d+": /);
  },
});

Deno.test({
  name: "python3Checker() accepts valid Python and writes no files",
  ignore: !hasPython,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "lao_pycheck_" });
    try {
      const result = await python3Checker(`${dir}/ok.py`, "import os\nprint(os.sep)\n");
      assert.deepEqual(result, { kind: "ok" });
      assert.deepEqual(await Array.fromAsync(Deno.readDir(dir)), []);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("checkPython() reports an unavailable interpreter as info, not as a code problem", async () => {
  const findings = await checkPython(
    "a.py",
    "x = 1\n",
    () => Promise.resolve({ kind: "unavailable", reason: "python3 is not installed" }),
  );
  assert.equal(findings[0]?.severity, "info");
  assert.equal(findings[0]?.message, 'Cannot check "a.py": python3 is not installed');
});

Deno.test({
  name: "python3BatchChecker() checks a task's files in one pass, each result in order",
  ignore: !hasPython,
  fn: async () => {
    const files = [
      { path: "ok.py", content: "x = 1\n" },
      { path: "bad.py", content: "def f(:\n    pass\n" },
      { path: "uni.py", content: 's = "caf\u00e9 \u{1F600}"\n' },
    ];
    const results = await python3BatchChecker(files);
    assert.deepEqual(results.map((r) => r.kind), ["ok", "error", "ok"]);
    // The same content again gives the same answers (from the cache, no process).
    assert.deepEqual(await python3BatchChecker(files.slice(1)), results.slice(1));
  },
});

Deno.test({
  name: "the checks' interpreter runs isolated and without site, and still checks",
  ignore: !hasPython,
  fn: async () => {
    const out = await new Deno.Command("python3", {
      args: [...PYTHON_FLAGS, "-c", "import sys; print(sys.flags.isolated, sys.flags.no_site)"],
      stdout: "piped",
    }).output();
    assert.equal(new TextDecoder().decode(out.stdout).trim(), "1 1");
    assert.deepEqual(await python3Checker("ok.py", "import json\nprint(json.dumps(1))\n"), {
      kind: "ok",
    });
  },
});
