import assert from "node:assert/strict";
import { captureOutput } from "../../testing/capture_output.ts";
import { main, VERSION } from "./main.ts";

Deno.test("bare lao, lao run and lao init at the filesystem root exit 2 asking for a project folder", async () => {
  for (const args of [[], ["run"], ["init"], ["init", "--no-interactive"]]) {
    const o = captureOutput();
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
    const o = captureOutput();
    assert.equal(await main([flag], { output: o, cwd: "/tmp", env: () => undefined }), 0);
    assert.deepEqual(o.lines, [`lao ${VERSION}`]);
    assert.deepEqual(o.errors, []);
  }
});
