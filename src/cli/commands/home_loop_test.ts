import assert from "node:assert/strict";
import { captureOutput } from "../../../testing/capture_output.ts";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Output } from "../../ui/output.ts";
import { CliContext } from "../context.ts";
import { type HomeChoice, homeScreen, type MenuPick } from "./home.ts";
import { homeLoop } from "./home_loop.ts";

/** A context in `cwd` with HOME at `home` and a model server that does not answer. */
function context(cwd: string, home: string, output: Output): Promise<CliContext> {
  const closed = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const url = `http://127.0.0.1:${(closed.addr as Deno.NetAddr).port}`;
  closed.close();
  const vars: Record<string, string> = { HOME: home, LM_STUDIO_BASE_URL: url };
  return CliContext.create({ cwd, env: (n) => vars[n], output }, {}, false);
}

async function temp(): Promise<string> {
  return await Deno.realPath(await Deno.makeTempDir({ prefix: "lao_home_loop_" }));
}

Deno.test("home without a config: Exit chosen returns 0 and writes nothing", async () => {
  const home = await temp();
  const dir = join(home, "app");
  await Deno.mkdir(dir);
  const o = captureOutput();
  const offered: HomeChoice["value"][][] = [];
  const pick: MenuPick = (choices) => {
    offered.push(choices.map((c) => c.value));
    return Promise.resolve("exit");
  };
  const ctx = await context(dir, home, o);
  try {
    assert.equal(await homeLoop(ctx, (c) => homeScreen(c, pick)), 0);
    assert.equal(offered.length, 1);
    assert.equal(offered[0]![0], "init");
    assert.ok(offered[0]!.includes("exit"));
    assert.ok(o.lines.some((l) => /config missing/.test(l)), o.lines.join("\n"));
    assert.deepEqual([...Deno.readDirSync(dir)], []);
    assert.equal(existsSync(join(dir, "factory.yaml")), false);
  } finally {
    ctx.close();
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("at the home folder the menu warns once and defaults to Exit", async () => {
  const home = await temp();
  await Deno.writeTextFile(join(home, "factory.yaml"), "total_ram_gb: 16\n");
  const o = captureOutput();
  let def: HomeChoice["value"] | undefined;
  const ctx = await context(home, home, o);
  try {
    const choice = await homeScreen(ctx, (_c, d) => {
      def = d;
      return Promise.resolve(d);
    });
    assert.equal(def, "exit");
    assert.equal(choice, "exit");
    const warnings = [...o.lines, ...o.errors].filter((l) => /warning/i.test(l));
    assert.equal(warnings.length, 1, warnings.join("\n"));
    assert.match(warnings[0]!, /home folder/);
  } finally {
    ctx.close();
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("after an action the menu comes back, and Exit there runs nothing more", async () => {
  const home = await temp();
  const dir = join(home, "app");
  await Deno.mkdir(dir);
  const o = captureOutput();
  const script: HomeChoice["value"][] = ["projects", "exit"];
  let shown = 0;
  const ctx = await context(dir, home, o);
  try {
    const code = await homeLoop(ctx, () => Promise.resolve(script[shown++]!));
    assert.equal(code, 0);
    assert.equal(shown, 2);
    assert.equal(o.lines.at(-1), "(projects finished with exit code 0; back to the menu)");
    assert.equal(o.lines.filter((l) => /back to the menu/.test(l)).length, 1);
    assert.deepEqual([...Deno.readDirSync(dir)], []);
  } finally {
    ctx.close();
    await Deno.remove(home, { recursive: true });
  }
});
