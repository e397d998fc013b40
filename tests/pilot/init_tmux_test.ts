/**
 * `lao init` on a terminal, from an empty folder, against the fake server:
 * the live probe, a typo asked again, the starter plan; and Ctrl+C halfway
 * through, which exits 130 with nothing written.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { start } from "../fake_server/server.ts";
import { HAS_TMUX, TmuxLao } from "./tmux.ts";

Deno.test({
  name: "lao init from an empty folder: probe, a typo asked again, factory.yaml and a starter plan",
  ignore: !HAS_TMUX,
  fn: async () => {
    await using server = await start({});
    const dir = await Deno.makeTempDir({ prefix: "lao_init_tmux_" });
    const home = await Deno.makeTempDir({ prefix: "lao_init_home_" });
    try {
      await using lao = await TmuxLao.start(dir, ["init"], { HOME: home });
      await lao.waitFor(/Model server URL/);
      await lao.line(server.url);
      await lao.waitFor(/found LM Studio at http:\/\/127\.0\.0\.1:\d+: \d+ model\(s\)/);
      await lao.waitFor(/RAM\/VRAM in GB/);
      // A typo: the wizard says why and asks the same question again.
      await lao.press(...Array(8).fill("BSpace"));
      await lao.line("sixteen");
      await lao.waitFor(/Enter a number of GB/);
      await lao.press(...Array(12).fill("BSpace"));
      await lao.line("16");
      await lao.waitFor(/Tier: small \(16 GB\)/);
      await lao.waitFor(/Use these models\?/);
      await lao.press("Enter");
      await lao.waitFor(/Write a starter plan\?/);
      await lao.press("Enter");
      await lao.waitFor(/Plan name/);
      await lao.line("Greeter");
      await lao.waitFor(/Goal \(one line\)/);
      await lao.line("Greet people by name");
      await lao.waitFor(/What next\?/);
      // The last entry: Exit.
      await lao.press("Down", "Down", "Enter");
      const { code, screen } = await lao.exited();
      assert.equal(code, 0, screen);
      assert.match(screen, /wrote factory\.yaml/);
      assert.match(screen, /wrote plans\/Greeter\.md/);
      const yaml = await Deno.readTextFile(join(dir, "factory.yaml"));
      assert.match(yaml, new RegExp(`^lm_studio_base_url: ${server.url}$`, "m"));
      assert.match(yaml, /^total_ram_gb: 16$/m);
      assert.match(yaml, /# Model per role/);
      const plan = await Deno.readTextFile(join(dir, "plans", "Greeter.md"));
      assert.match(plan, /^# Greeter$/m);
      assert.match(plan, /Greet people by name/);
    } finally {
      await Deno.remove(dir, { recursive: true });
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test({
  name: "Ctrl+C in the lao init wizard exits 130 and writes nothing",
  ignore: !HAS_TMUX,
  fn: async () => {
    await using server = await start({});
    const dir = await Deno.makeTempDir({ prefix: "lao_init_cc_" });
    const home = await Deno.makeTempDir({ prefix: "lao_init_home_" });
    try {
      await using lao = await TmuxLao.start(dir, ["init"], { HOME: home });
      await lao.waitFor(/Model server URL/);
      await lao.line(server.url);
      await lao.waitFor(/RAM\/VRAM in GB/);
      await lao.press("C-c");
      const { code, screen } = await lao.exited();
      assert.equal(code, 130, screen);
      assert.doesNotMatch(screen, /this is a bug|at .*\.ts:\d+/i);
      assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), []);
      assert.ok(!existsSync(join(dir, "factory.yaml")));
    } finally {
      await Deno.remove(dir, { recursive: true });
      await Deno.remove(home, { recursive: true });
    }
  },
});
