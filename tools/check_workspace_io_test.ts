import assert from "node:assert/strict";
import { join } from "node:path";
import { ALLOWED, checkTree, findViolations } from "./check_workspace_io.ts";

const ROOT = new URL("..", import.meta.url).pathname;

Deno.test("the workspace I/O check passes on LAO's own src/", async () => {
  assert.deepEqual(await checkTree(ROOT), []);
});

Deno.test("a back door planted in a copy of src/ fails the check with its file and line", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "lao_io_check_" });
  try {
    await Deno.mkdir(join(tmp, "src", "pipeline"), { recursive: true });
    await Deno.mkdir(join(tmp, "src", "workspace"), { recursive: true });
    const reports = await Deno.readTextFile(join(ROOT, "src/pipeline/quality/report_files.ts"));
    const door = reports +
      '\nexport async function backDoor(ws: string) {\n  await Deno.writeTextFile(ws + "/LAO_REVIEW.log", "x", { append: true });\n}\n';
    await Deno.writeTextFile(join(tmp, "src", "pipeline", "write_reports.ts"), door);
    await Deno.writeTextFile(join(tmp, "src", "pipeline", "back_door_test.ts"), door);
    await Deno.writeTextFile(
      join(tmp, "src", "workspace", "guarded_io.ts"),
      "await Deno.writeFile('x', new Uint8Array());\n",
    );
    const found = await checkTree(tmp);
    assert.deepEqual(found, [{
      path: "src/pipeline/write_reports.ts",
      line: door.split("\n").findIndex((l) => l.includes("Deno.writeTextFile")) + 1,
      call: "Deno.writeTextFile",
    }]);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("every raw read, write or open form is caught, sync and node:fs included", () => {
  const src = [
    "const a = await Deno.readTextFile(p);",
    "Deno.writeFileSync(p, b);",
    "using f = await Deno . open(p);",
    "const g = Deno.createSync(p);",
    'import { existsSync, readFileSync as rf, writeFile } from "node:fs";',
    'import { open } from "node:fs/promises";',
  ].join("\n");
  assert.deepEqual(findViolations("src/agents/x.ts", src).map((v) => [v.line, v.call]), [
    [1, "Deno.readTextFile"],
    [2, "Deno.writeFileSync"],
    [3, "Deno.open"],
    [4, "Deno.createSync"],
    [5, "node:fs readFileSync"],
    [5, "node:fs writeFile"],
    [6, "node:fs open"],
  ]);
});

Deno.test("calls named in comments are not calls; allowed calls are limited to their names", () => {
  const commented =
    "/** Reads with Deno.readTextFile(p). */\n// Deno.writeTextFile(p, x)\nconst x = 1;\n";
  assert.deepEqual(findViolations("src/agents/x.ts", commented), []);
  // The disk plans source may read plan files, but not write anything.
  const source = "Deno.readFileSync(p);\nDeno.writeTextFile(p, x);\n";
  assert.deepEqual(findViolations("src/pipeline/plans_source.ts", source).map((v) => v.call), [
    "Deno.writeTextFile",
  ]);
  // The intake reads through the source: a raw read there is a violation now.
  const intake = 'import { readFileSync } from "node:fs";\n';
  assert.deepEqual(findViolations("src/pipeline/intake.ts", intake).map((v) => v.call), [
    "node:fs readFileSync",
  ]);
});

Deno.test("every allow-list entry names a reason", () => {
  for (const a of ALLOWED) assert.ok(a.reason.length > 20, a.path);
});
