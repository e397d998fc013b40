import assert from "node:assert/strict";
import { defaultConfig } from "../config/defaults.ts";
import { start } from "../../tests/fake_server/server.ts";
import { calibrateFromServer } from "./server_calibration.ts";
import { TokenCalibration } from "./tokens.ts";

Deno.test("a llama.cpp server's /tokenize count calibrates every role it serves", async () => {
  await using fake = await start({ flavor: "llamacpp" });
  const config = defaultConfig("/tmp/unused");
  config.lm_studio_base_url = fake.url;
  const calibration = new TokenCalibration();
  const sample = "word ".repeat(400);
  // A local counter that underestimates by half: the server's count must win.
  const server = await (await fetch(`${fake.url}/tokenize`, {
    method: "POST",
    body: JSON.stringify({ content: sample }),
  })).json() as { tokens: unknown[] };
  const local = Math.floor(server.tokens.length / 2);
  const roles = await calibrateFromServer(config, sample, () => local, calibration);
  assert.deepEqual(roles, ["planner", "coder", "reviewer", "pilot"]);
  assert.equal(calibration.factor(config.models.coder.key), server.tokens.length / local);
});

Deno.test("a server without /tokenize leaves the calibration alone", async () => {
  await using fake = await start({ flavor: "lmstudio" });
  const config = defaultConfig("/tmp/unused");
  config.lm_studio_base_url = fake.url;
  const calibration = new TokenCalibration();
  assert.deepEqual(await calibrateFromServer(config, "hello", () => 1, calibration), []);
  assert.equal(calibration.factor(config.models.coder.key), 1.1);
});
