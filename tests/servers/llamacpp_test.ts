import assert from "node:assert/strict";
import { join } from "node:path";
import { defaultConfig } from "../../src/config/defaults.ts";
import type { Config } from "../../src/config/schema.ts";
import { checkServer } from "../../src/models/check_server.ts";
import { backendFor, detectServerKind } from "../../src/models/detect.ts";
import { formatHealth } from "../../src/models/health.ts";
import { createModelManager } from "../../src/models/manager.ts";
import { runPipeline } from "../../src/pipeline/run.ts";
import { type ChatBody, type FakeServerOptions, type Reply, start } from "../fake_server/server.ts";
import { INVALID_API_KEY_BODY } from "../fake_server/llamacpp_single_routes.ts";
import { laoInProcess } from "../lao_in_process.ts";
import { harness } from "../pipeline/harness.ts";

const SERVED = "qwen/qwen3-coder-30b";

function single(extra: FakeServerOptions = {}) {
  return start({ flavor: "llamacpp", llamacppMode: "single", loaded: [SERVED], ...extra });
}

function configFor(url: string, kind: Config["server"]["kind"] = "auto"): Config {
  const config = defaultConfig("/tmp/lao-llamacpp-test");
  config.lm_studio_base_url = url;
  config.server.kind = kind;
  return config;
}

Deno.test("a plain llama-server -m is detected as llama.cpp single-model from its markers", async () => {
  await using fake = await single({ contextLength: 8192 });
  const endpoint = { root: fake.url, apiKey: "k" };
  assert.equal(await detectServerKind(endpoint), "llamacpp");
  const models = await (await fetch(`${fake.url}/v1/models`)).json();
  assert.equal(models.data[0].owned_by, "llamacpp");
  assert.equal(models.data[0].meta.n_ctx, 8192);
  const props = await (await fetch(`${fake.url}/props`)).json();
  assert.deepEqual([props.default_generation_settings.n_ctx, props.total_slots], [8192, 4]);
});

Deno.test("health shows the server's real context and warns once that the config claims more", async () => {
  await using fake = await single({ contextLength: 2048 });
  const report = await checkServer(configFor(fake.url));
  assert.equal(report.ok, true, report.hints.join("; "));
  assert.equal(report.server.variant, "single-model");
  const coder = report.roles.find((r) => r.role === "coder")!;
  assert.deepEqual([coder.serverContext, coder.effectiveContext], [2048, 2048]);
  assert.equal(report.warnings?.length, 1);
  assert.match(report.warnings![0]!, /coder 16384 → 2048/);
  const text = formatHealth(report);
  assert.match(text, /ok \(llamacpp single-model/);
  assert.match(text, /coder +qwen\/qwen3-coder-30b {2}present {2}ctx 2048/);
  assert.match(text, /served by qwen\/qwen3-coder-30b/, "other roles are served by the one model");
  assert.doesNotMatch(text, /MISSING|Model not found/);
});

Deno.test("server.kind llamacpp by hand against a single-model server loads nothing and finds every model", async () => {
  await using fake = await single();
  const config = configFor(fake.url, "llamacpp");
  const manager = createModelManager(config, { backend: await backendFor(config) });
  assert.equal(await manager.ensureLoaded("planner"), config.models.planner.key);
  assert.equal(await manager.ensureLoaded("coder"), SERVED);
  assert.equal(await manager.contextLength("reviewer"), 8192);
  assert.equal(fake.requests.filter((r) => r.path === "/models/load").length, 0);
  const report = await checkServer(config);
  assert.equal(report.ok, true, report.hints.join("; "));
  assert.ok(report.roles.every((r) => r.present || r.role === "embedder"));
});

Deno.test("a wrong API key is reported as a refused key, not as an unreachable server", async () => {
  await using fake = await single({ apiKey: "right-key" });
  const denied = await fetch(`${fake.url}/tokenize`, { method: "POST", body: "{}" });
  assert.equal(denied.status, 401);
  assert.deepEqual(await denied.json(), INVALID_API_KEY_BODY);
  assert.equal((await fetch(`${fake.url}/health`)).status, 200, "/health stays public");
  for (const kind of ["auto", "llamacpp"] as const) {
    const config = configFor(fake.url, kind);
    config.openai_api_key = "wrong-key";
    const report = await checkServer(config);
    assert.equal(report.ok, false);
    assert.equal(report.server.authFailed, true, kind);
    assert.match(report.hints[0]!, /refused the API key \(HTTP 401\): check openai_api_key/);
    assert.doesNotMatch(report.hints[0]!, /lms server start|Cannot reach/);
  }
  const config = configFor(fake.url);
  config.openai_api_key = "right-key";
  assert.equal((await checkServer(config)).ok, true);
});

Deno.test("a stopped llama.cpp server's hint says how to start llama-server, not LM Studio", async () => {
  const fake = await single();
  await fake.close();
  const report = await checkServer(configFor(fake.url, "llamacpp"));
  assert.match(report.hints[0]!, /start llama-server/);
  assert.doesNotMatch(report.hints[0]!, /lms/);
});

const BIG_PLAN = "# Inventory service\n\n" +
  Array.from(
    { length: 12 },
    (_, i) =>
      `## Phase ${i + 1}: module ${i + 1}\n\n- \`inventory/mod${i + 1}.py\`: implement \`op${
        i + 1
      }(items: list[dict]) -> dict\` that groups items by sku, sums quantities, rejects negative quantities with ValueError, and returns a summary with totals and averages.`,
  ).join("\n\n") + "\n";

Deno.test("preflight against a 2,048-token server splits the plan and warns once", async () => {
  await using fake = await single({ contextLength: 2048 });
  const dir = await Deno.makeTempDir({ prefix: "lao_llamacpp_preflight_" });
  try {
    await Deno.writeTextFile(join(dir, "plan.md"), BIG_PLAN);
    await Deno.writeTextFile(join(dir, "factory.yaml"), `lm_studio_base_url: ${fake.url}\n`);
    const r = await laoInProcess(dir, ["preflight", "--plan", "plan.md", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.context_length, 2048);
    assert.equal(doc.fit, false);
    assert.ok(doc.chunk_count > 1, `chunks: ${doc.chunk_count}`);
    const warnings = r.stderr.split("\n").filter((l) => l.startsWith("warning: the server gives"));
    assert.equal(warnings.length, 1, r.stderr);
    assert.match(warnings[0]!, /planner 32768 → 2048/);
    await fake.close();
    const offline = await laoInProcess(dir, ["preflight", "--plan", "plan.md", "--json"]);
    assert.equal(JSON.parse(offline.stdout).context_length, 32768, "offline: the config's");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("answers carry llama-server's timings; a history with invalid tool arguments gets the template's 500", async () => {
  await using fake = await single({ respond: () => ({ content: "ok" }) });
  const chat = (messages: unknown[]) =>
    fetch(`${fake.url}/v1/chat/completions`, {
      method: "POST",
      body: JSON.stringify({ model: "anything", messages }),
    });
  const first = await (await chat([{ role: "user", content: "hello there" }])).json();
  assert.equal(first.model, SERVED, "the one model answers whatever is named");
  assert.equal(first.timings.cache_n, 0);
  const second = await (await chat([{ role: "user", content: "hello there, again" }])).json();
  assert.ok(second.timings.cache_n > 0, "the shared prefix is reused from the slot");
  const broken = await chat([
    { role: "user", content: "x" },
    {
      role: "assistant",
      content: null,
      tool_calls: [{ id: "1", type: "function", function: { name: "f", arguments: '{"a": ' } }],
    },
    { role: "tool", tool_call_id: "1", content: "r" },
  ]);
  assert.equal(broken.status, 500);
  assert.match(
    (await broken.json()).error.message,
    /^Failed to parse tool call arguments as JSON: \[json\.exception\.parse_error\.101\]/,
  );
});

function roleOf(body: ChatBody): "planner" | "coder" | "reviewer" {
  const system = String(body.messages?.[0]?.content ?? "");
  if (/architect/i.test(system)) return "planner";
  if (body.tools) return "coder";
  return "reviewer";
}

/** Plays a one-task plan: the architect's task, the coder's write, the reviewer's approval. */
function greeting(body: ChatBody): Reply {
  const role = roleOf(body);
  if (role === "planner") {
    return {
      content: JSON.stringify([{
        title: "Greeting",
        description: "Write greet.js",
        file_paths: ["greet.js"],
        dependencies: [],
        phase: null,
        deliverable_ids: [],
      }]),
    };
  }
  if (role === "coder") {
    const last = body.messages?.[body.messages.length - 1];
    if (last?.role === "tool") return { content: "Wrote greet.js." };
    return {
      toolCalls: [{
        name: "file_write",
        arguments: { path: "greet.js", content: "export const x = 1;\n" },
      }],
    };
  }
  return { content: '{"verdict": "APPROVED", "findings": [], "summary": "fine"}' };
}

/** A harness on a single-model llama-server serving every role, without git or python3 (a .js task). */
function singleHarness(respond: (body: ChatBody) => Reply) {
  return harness(respond, (config) => {
    config.server.kind = "llamacpp";
    for (const role of ["planner", "coder", "reviewer", "pilot"] as const) {
      config.models[role].key = SERVED;
    }
    config.git.enabled = false; // these tests are about the server, not history
  }, { server: { flavor: "llamacpp", llamacppMode: "single", loaded: [SERVED] } });
}

Deno.test("model-call records keep llama.cpp's own prefill count (timings.prompt_n)", async () => {
  await using h = await singleHarness(greeting);
  const planPath = await h.addPlan("greet.md", "# Greet\n\n- greet.js: export const x = 1\n");
  await runPipeline(h.deps, { planPath, singleRun: true });
  const tokens = h.store.tokensByRole();
  const prefill = h.store.prefillByRole();
  assert.deepEqual(Object.keys(prefill).sort(), ["coder", "planner", "reviewer"]);
  for (const [role, p] of Object.entries(prefill)) {
    assert.equal(p.reported, tokens[role]!.calls, `every ${role} call reported its prefill`);
    assert.ok(p.prefill <= tokens[role]!.prompt);
  }
  // The coder's second round repeats its first request's prefix: the server found it cached.
  assert.ok(prefill.coder!.prefill < tokens.coder!.prompt);
});

Deno.test("an outage while decomposing pauses the run and resumes when the server is back", async () => {
  let planner = 0;
  const respond = (body: ChatBody): Reply => {
    if (roleOf(body) === "planner") planner++;
    return greeting(body);
  };
  await using h = await singleHarness(respond);
  const port = Number(new URL(h.server.url).port);
  // The server goes away right before the architect's first call ...
  await h.server.close();
  let back: Awaited<ReturnType<typeof single>> | undefined;
  let pauses = 0;
  h.deps.sleep = async () => {
    // ... and comes back during the run's pause: no timers, the pause itself restarts it.
    pauses++;
    if (pauses === 1) back = await single({ respond, port });
  };
  try {
    const planPath = await h.addPlan("greet.md", "# Greet\n\n- greet.js: export const x = 1\n");
    const result = await runPipeline(h.deps, { planPath, singleRun: true });
    assert.equal(result.infraError, undefined);
    assert.ok(pauses >= 1, "the run paused");
    assert.equal(planner, 1, "decomposed once the server was back");
    const plan = result.plans[0]!;
    assert.equal(plan.status, "completed");
    assert.equal(plan.decompose_attempts, 0, "the outage used no decomposition attempt");
    assert.ok(
      h.events.some((e) => e.type === "log" && /decomposition paused/.test(e.message)),
    );
    assert.ok(!h.events.some((e) => e.type === "plan.status" && e.to === "decomposition_failed"));
  } finally {
    await back?.close();
  }
});
