import assert from "node:assert/strict";
import { defaultConfig } from "../config/defaults.ts";
import { loadConfig } from "../config/load.ts";
import { configSchema } from "../config/schema.ts";
import { start } from "../../tests/fake_server/server.ts";
import { resolveServers, serverConfig, serverSlots, servesRole } from "./servers.ts";

Deno.test("without servers: one implicit server from lm_studio_base_url with one slot", () => {
  const config = defaultConfig("/p");
  const servers = resolveServers(config);
  assert.equal(servers.length, 1);
  assert.equal(servers[0]!.baseUrl, config.lm_studio_base_url);
  assert.equal(servers[0]!.slots, 1);
  assert.equal(
    serverConfig(config, servers[0]!),
    config,
    "the implicit server sees the config as is",
  );
});

Deno.test("servers: list applies defaults; --slots overrides every server", () => {
  const raw = {
    ...defaultConfig("/p"),
    servers: [
      { name: "gpu", base_url: "http://10.0.0.2:8080", slots: 4, roles: ["coder"] },
      { name: "laptop", base_url: "http://127.0.0.1:8081" },
    ],
  };
  const config = configSchema.parse(raw);
  const servers = resolveServers(config);
  assert.deepEqual(servers.map((s) => [s.name, s.slots, s.kind]), [
    ["gpu", 4, "auto"],
    ["laptop", "auto", "auto"],
  ]);
  assert.equal(servers[1]!.apiKey, config.openai_api_key);
  assert.ok(servesRole(servers[0]!, "coder") && !servesRole(servers[0]!, "reviewer"));
  assert.ok(servesRole(servers[1]!, "reviewer"));
  assert.deepEqual(resolveServers(config, 2).map((s) => s.slots), [2, 2]);
  const seen = serverConfig(config, servers[0]!);
  assert.equal(seen.lm_studio_base_url, "http://10.0.0.2:8080");
  assert.equal(seen.models.coder.base_url, null);
});

Deno.test("servers: duplicate names are refused", () => {
  const raw = {
    ...defaultConfig("/p"),
    servers: [{ name: "a", base_url: "http://x:1" }, { name: "a", base_url: "http://y:1" }],
  };
  assert.equal(configSchema.safeParse(raw).success, false);
});

Deno.test("slots auto: llama.cpp /props total_slots, 1 where the server does not say", async () => {
  await using llama = await start({ flavor: "llamacpp", llamacppMode: "single", slots: 3 });
  await using studio = await start({ flavor: "lmstudio" });
  const config = configSchema.parse({
    ...defaultConfig("/p"),
    servers: [
      { name: "llama", base_url: llama.url },
      { name: "studio", base_url: studio.url },
      { name: "fixed", base_url: studio.url, slots: 2 },
    ],
  });
  const slots = await Promise.all(resolveServers(config).map((s) => serverSlots(s)));
  assert.deepEqual(slots, [3, 1, 2]);
});

Deno.test("factory.yaml servers: list loads with its defaults", () => {
  const dir = Deno.makeTempDirSync();
  try {
    Deno.writeTextFileSync(
      `${dir}/factory.yaml`,
      "servers:\n  - name: gpu\n    base_url: http://127.0.0.1:8080\n    slots: 4\n" +
        "  - name: laptop\n    base_url: http://127.0.0.1:8081\n    roles: [reviewer]\n",
    );
    const { config } = loadConfig({ cwd: dir, env: () => undefined });
    assert.deepEqual(
      resolveServers(config).map((s) => [s.name, s.slots, s.roles]),
      [["gpu", 4, null], ["laptop", "auto", ["reviewer"]]],
    );
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
