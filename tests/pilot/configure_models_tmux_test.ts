/**
 * `lao configure-models` on a terminal: one role changed with the arrow
 * keys, every other question answered with its current key; factory.yaml
 * keeps the user's comments and layout.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { start } from "../fake_server/server.ts";
import { HAS_TMUX, TmuxLao } from "./tmux.ts";

Deno.test({
  name: "configure-models on a terminal changes the coder and keeps the comments in factory.yaml",
  ignore: !HAS_TMUX,
  fn: async () => {
    await using server = await start({});
    const dir = await Deno.makeTempDir({ prefix: "lao_cm_tmux_" });
    const home = await Deno.makeTempDir({ prefix: "lao_cm_home_" });
    const yaml = [
      "# my settings: keep this comment",
      `lm_studio_base_url: ${server.url}`,
      "models:",
      "  coder:",
      "    key: qwen/qwen3-coder-30b # the coder I like",
      "",
    ].join("\n");
    try {
      await Deno.writeTextFile(join(dir, "factory.yaml"), yaml);
      await using lao = await TmuxLao.start(dir, ["configure-models"], { HOME: home });
      await lao.waitFor(/Model for planner/);
      await lao.press("Enter");
      await lao.waitFor(/Model for coder/);
      // The list is the server's order: the next entry after the current coder.
      await lao.waitFor(/deepseek-r1-distill-qwen-32b · 18\.5 GB · ctx 131072/);
      await lao.press("Down", "Enter");
      for (const role of ["reviewer", "embedder", "pilot"]) {
        await lao.waitFor(new RegExp(`Model for ${role}`));
        await lao.press("Enter");
      }
      const { code, screen } = await lao.exited();
      assert.equal(code, 0, screen);
      assert.match(screen, /set models\.coder\.key = deepseek-r1-distill-qwen-32b/);
      assert.match(screen, /comments kept/);
      assert.equal(
        await Deno.readTextFile(join(dir, "factory.yaml")),
        yaml.replace("qwen/qwen3-coder-30b", "deepseek-r1-distill-qwen-32b"),
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
      await Deno.remove(home, { recursive: true });
    }
  },
});
