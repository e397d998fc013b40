import assert from "node:assert/strict";
import { main, VERSION } from "./main.ts";
import type { Output } from "../ui/output.ts";

function capture(): Output & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return {
    lines,
    errors,
    out: (l) => lines.push(l),
    err: (l) => errors.push(l),
    isTty: false,
    color: false,
  };
}

Deno.test("bare lao, lao run and lao init at the filesystem root exit 2 asking for a project folder", async () => {
  for (const args of [[], ["run"], ["init"], ["init", "--no-interactive"]]) {
    const o = capture();
    const code = await main(args, { output: o, cwd: "/", env: () => undefined });
    assert.equal(code, 2, args.join(" "));
    assert.equal(o.errors.length, 1, o.errors.join("\n"));
    assert.match(o.errors[0]!, /filesystem root/);
    assert.match(o.errors[0]!, /project folder/);
    assert.deepEqual(o.lines, []);
  }
});

Deno.test("-v and --version print lao <version> and exit 0", async () => {
  for (const flag of ["-v", "--version"]) {
    const o = capture();
    assert.equal(await main([flag], { output: o, cwd: "/tmp", env: () => undefined }), 0);
    assert.deepEqual(o.lines, [`lao ${VERSION}`]);
    assert.deepEqual(o.errors, []);
  }
});
