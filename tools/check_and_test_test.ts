import assert from "node:assert/strict";
import { join } from "node:path";
import {
  canMountScratch,
  checkReport,
  CHECKS,
  scratchCommand,
  withFirst,
} from "./check_and_test.ts";

Deno.test("a shim's python3: the interpreter's own folder goes first on the tests' PATH", () => {
  assert.equal(
    withFirst("/root/.pyenv/shims:/usr/bin:/bin", "/root/.pyenv/versions/3.11.7/bin/python3"),
    "/root/.pyenv/versions/3.11.7/bin:/root/.pyenv/shims:/usr/bin:/bin",
  );
});

Deno.test("python3 already first, or no usable answer: PATH stays as it was", () => {
  assert.equal(withFirst("/usr/bin:/bin", "/usr/bin/python3"), "/usr/bin:/bin");
  assert.equal(withFirst("/usr/bin:/bin", ""), "/usr/bin:/bin");
  assert.equal(withFirst("/usr/bin:/bin", "python3"), "/usr/bin:/bin");
});

const probeDir = await Deno.makeTempDir({ prefix: "lao_scratch_probe_" });
const scratch = await canMountScratch([probeDir]);
await Deno.remove(probeDir, { recursive: true });

Deno.test({
  name: "the tests' scratch folder is a tmpfs of their own: what they write there is gone after",
  ignore: !scratch,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "lao_scratch_" });
    try {
      const script = `Deno.writeTextFileSync(${JSON.stringify(join(dir, "inside.txt"))}, "x");` +
        `console.log(Deno.readDirSync(${JSON.stringify(dir)}).toArray().length);`;
      const [program, args] = scratchCommand([dir], ["eval", script]);
      const out = await new Deno.Command(program, { args, stdout: "piped", stderr: "piped" })
        .output();
      assert.ok(out.success, new TextDecoder().decode(out.stderr));
      assert.equal(new TextDecoder().decode(out.stdout).trim(), "1");
      assert.deepEqual(Deno.readDirSync(dir).toArray(), []);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("a failing fmt or lint fails the task with its findings; a passing one says nothing", () => {
  const passing = checkReport([
    { name: "deno fmt", success: true, output: "Checked 650 files\n" },
    { name: "deno lint", success: true, output: "Checked 640 files\n" },
    { name: "deno check", success: true, output: "" },
    { name: "layers", success: true, output: "check_layers: no folder cycle\n" },
  ]);
  assert.deepEqual(passing, {
    lines: ["deno check: ok", "check_layers: no folder cycle"],
    ok: true,
  });
  const failing = checkReport([
    {
      name: "deno fmt",
      success: false,
      output: "from src/a.ts:\n  1 | -x\nFound 1 not formatted file",
    },
    { name: "deno lint", success: true, output: "Checked 640 files" },
    { name: "deno check", success: true, output: "" },
  ]);
  assert.equal(failing.ok, false);
  assert.deepEqual(failing.lines, [
    "from src/a.ts:\n  1 | -x\nFound 1 not formatted file",
    "deno fmt: FAILED",
    "deno check: ok",
  ]);
});

Deno.test("the task's checks include fmt --check and lint beside the type check", () => {
  const names = CHECKS.map(([name, args]) => `${name}=${args.join(" ")}`);
  assert.ok(names.includes("deno fmt=fmt --check"), names.join(", "));
  assert.ok(names.includes("deno lint=lint"), names.join(", "));
});
