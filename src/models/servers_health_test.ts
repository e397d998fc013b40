import assert from "node:assert/strict";
import { defaultConfig } from "../config/defaults.ts";
import { configSchema } from "../config/schema.ts";
import { start } from "../../tests/fake_server/server.ts";
import { formatServers, serversHealth } from "./servers_health.ts";

Deno.test("lao health lists each server with its slots and loaded model", async () => {
  await using llama = await start({
    flavor: "llamacpp",
    llamacppMode: "single",
    slots: 4,
    loaded: ["qwen/qwen3-coder-30b"],
  });
  await using studio = await start({
    flavor: "lmstudio",
    loaded: ["deepseek-r1-distill-qwen-32b"],
  });
  const config = configSchema.parse({
    ...defaultConfig("/p"),
    servers: [
      { name: "gpu", base_url: llama.url },
      { name: "laptop", base_url: studio.url, slots: 2, roles: ["reviewer"] },
      { name: "gone", base_url: "http://127.0.0.1:9" },
    ],
  });
  const lines = formatServers(await serversHealth(config));
  assert.match(
    lines[0]!,
    /^Server {3}gpu .* llamacpp {2}4 slots {2}loaded: qwen\/qwen3-coder-30b$/,
  );
  assert.match(
    lines[1]!,
    /laptop .* lmstudio {2}2 slots {2}loaded: deepseek-r1-distill-qwen-32b {2}roles reviewer$/,
  );
  assert.match(lines[2]!, /^Server {3}gone .* unreachable: /);
  const once = formatServers(await serversHealth(config, 1));
  assert.match(once[0]!, / 1 slot {2}/, "--slots 1 overrides the reported slots");
});
