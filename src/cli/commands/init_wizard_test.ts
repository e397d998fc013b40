import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { InterruptedError } from "../../errors.ts";
import type { Output } from "../../ui/output.ts";
import { pickKey, type Probe, type Prompter, runWizard } from "./init_wizard.ts";

function capture(): Output & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    out: (l) => lines.push(l),
    err: (l) => lines.push(l),
    isTty: false,
    color: false,
  };
}

/** Answers in order; "^C" is Ctrl+C; an answer the question's validate refuses is re-asked. */
function scripted(answers: string[]): Prompter & { asked: string[] } {
  const asked: string[] = [];
  const next = (message: string): string => {
    asked.push(message);
    const a = answers.shift();
    if (a === undefined) throw new Error(`no scripted answer for "${message}"`);
    if (a === "^C") throw new InterruptedError("cancelled");
    return a;
  };
  return {
    asked,
    input: (q) => {
      for (;;) {
        const raw = next(q.message);
        const v = raw === "" ? (q.default ?? "") : raw;
        if (!q.validate || q.validate(v) === true) return Promise.resolve(v);
      }
    },
    confirm: (q) => {
      const a = next(q.message);
      return Promise.resolve(a === "" ? q.default : /^y/i.test(a));
    },
    select: (q) => Promise.resolve(next(q.message) || q.default || q.choices[0]!.value),
  };
}

const SERVER: Probe = {
  kind: "lmstudio",
  models: [
    { key: "qwen2.5-7b-instruct", type: "llm", sizeBytes: 4e9, instances: [] },
    { key: "qwen2.5-coder-7b-instruct", type: "llm", sizeBytes: 4e9, instances: [] },
    { key: "big-70b", type: "llm", sizeBytes: 40e9, instances: [] },
    { key: "nomic-embed", type: "embedding", sizeBytes: 1e8, instances: [] },
  ],
};

Deno.test("init wizard: an existing factory.yaml is refused before any question", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(join(dir, "factory.yaml"), "# mine\n");
  const ask = scripted([]);
  await assert.rejects(() => runWizard(dir, {}, ask, capture()), /already exists/);
  assert.deepEqual(ask.asked, []);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("init wizard: typos are asked again; the server is probed; RAM comes from the machine", async () => {
  const dir = await Deno.makeTempDir();
  const out = capture();
  const probed: string[] = [];
  const ask = scripted(["not a url", "http://127.0.0.1:9/v1", "lots", "", "", "", "", ""]);
  const answers = await runWizard(dir, {}, ask, out, {
    probe: (u) => {
      probed.push(u);
      return Promise.resolve(SERVER);
    },
    ramGb: () => 23,
  });
  assert.deepEqual(probed, ["http://127.0.0.1:9"]);
  assert.equal(ask.asked.filter((m) => m === "Model server URL").length, 2);
  assert.equal(ask.asked.filter((m) => m === "RAM/VRAM in GB").length, 2);
  assert.equal(answers?.ramGb, 23);
  assert.equal(answers?.models.coder, "qwen2.5-coder-7b-instruct");
  assert.equal(answers?.models.embedder, "nomic-embed");
  assert.deepEqual(answers?.starterPlan, { name: "InitialSetup", goal: "Set up the project" });
  assert.ok(out.lines.some((l) => /found LM Studio at http:\/\/127\.0\.0\.1:9: 4 model/.test(l)));
  assert.ok(!existsSync(join(dir, "factory.yaml")), "the wizard itself writes nothing");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("init wizard: Ctrl+C is an interrupt and nothing is written", async () => {
  const dir = await Deno.makeTempDir();
  const ask = scripted(["http://127.0.0.1:9", "^C"]);
  await assert.rejects(
    () => runWizard(dir, {}, ask, capture(), { probe: () => Promise.resolve(SERVER) }),
    InterruptedError,
  );
  assert.deepEqual([...Deno.readDirSync(dir)], []);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("pickKey suggests only keys the server has", () => {
  assert.equal(pickKey("planner", 16, SERVER.models), "qwen2.5-7b-instruct");
  assert.equal(pickKey("embedder", 16, SERVER.models), "nomic-embed");
  // Nothing of the tier's: the largest model that fits the memory.
  assert.equal(
    pickKey("coder", 100, [{ key: "a", type: "llm", sizeBytes: 50e9, instances: [] }]),
    "a",
  );
});
