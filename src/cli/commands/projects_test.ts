import assert from "node:assert/strict";
import { join } from "node:path";
import { captureOutput } from "../../../testing/capture_output.ts";
import { UserError } from "../../errors.ts";
import { CliContext } from "../context.ts";
import { projectsCommand } from "./projects.ts";

Deno.test("lao projects: add, use and list a project; unknown names and sub-commands are one-line errors", async () => {
  const home = await Deno.realPath(await Deno.makeTempDir({ prefix: "lao_projects_" }));
  const app = join(home, "app");
  await Deno.mkdir(app);
  await Deno.writeTextFile(join(app, "factory.yaml"), "total_ram_gb: 16\n");
  const o = captureOutput();
  const vars: Record<string, string> = { HOME: home };
  const ctx = await CliContext.create({ cwd: home, env: (n) => vars[n], output: o }, {}, false);
  const run = (...args: string[]) => projectsCommand(ctx, {}, args);
  try {
    assert.equal(await run(), 0);
    assert.match(o.lines.pop()!, /^No projects registered yet/);
    assert.equal(await run("add", app), 0);
    assert.equal(o.lines.pop(), `Registered app (${app}).`);
    assert.equal(await run("use", "app"), 0);
    assert.equal(o.lines.pop(), `Now using app (${app}).`);
    assert.equal(await run("list"), 0);
    assert.match(o.lines.pop()!, new RegExp(`^\\* app\\s+.*\\s${app}$`));
    await assert.rejects(run("remove", "nope"), UserError, 'Cannot remove project "nope"');
    await assert.rejects(run("frob"), UserError, 'Unknown projects sub-command "frob"');
    await assert.rejects(run("toString"), UserError, 'Unknown projects sub-command "toString"');
    assert.equal(await run("remove", "app"), 0);
    assert.equal(o.lines.pop(), "Removed app.");
  } finally {
    ctx.close();
    await Deno.remove(home, { recursive: true });
  }
});
