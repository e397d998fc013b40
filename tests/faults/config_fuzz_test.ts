/**
 * Seeded fuzzing of `factory.yaml` and plan files. Every input is bounded in
 * size (so time and memory are bounded by work, not by a clock), and every
 * outcome must be a documented one: loaded, or one line with exit 2 — never
 * a stack trace.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { ExitCode, UserError } from "../../src/errors.ts";
import { loadConfig } from "../../src/config/load.ts";
import { chunkPlan } from "../../src/agents/chunking.ts";
import { readPlanContent, scanPlans } from "../../src/pipeline/intake.ts";
import { Store } from "../../src/store/store.ts";
import { inTemp, lao } from "./cli_harness.ts";

/** mulberry32: a small seeded generator. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  return { next, int, pick };
}

const KEYS = [
  "orchestration",
  "models",
  "coder",
  "key",
  "llm_request_timeout_s",
  "coder_batch_size",
  "paths",
  "database",
  "plans",
  "git",
  "enabled",
  "tools",
  "shell",
  "timeout_s",
  "memory_gate",
  "validation_profiles",
  "__proto__",
  "constructor",
  "unknown_key",
];
const VALUES = [
  "99999999",
  "-1",
  "0",
  "1e308",
  ".inf",
  ".nan",
  "null",
  "~",
  '""',
  "true",
  "'false'",
  "[1, 2]",
  "{a: 1}",
  "*missing",
  "&x 3",
  "!!binary aGVsbG8=",
  "ünïcödé",
  "\u0000",
  "'unterminated",
  "x".repeat(300),
];

function fuzzYaml(r: ReturnType<typeof rng>): string {
  const lines: string[] = [];
  const n = 1 + r.int(30);
  for (let i = 0; i < n; i++) {
    const depth = r.int(4);
    const roll = r.next();
    if (roll < 0.05) lines.push("---");
    else if (roll < 0.1) lines.push("\t" + r.pick(KEYS) + ": 1");
    else if (roll < 0.15) lines.push("# " + r.pick(VALUES));
    else if (roll < 0.2) lines.push("a: &a [" + Array(9).fill("*a").join(",") + "]");
    else if (roll < 0.25) lines.push("[".repeat(1 + r.int(500)));
    else {
      const value = r.next() < 0.4 ? "" : " " + r.pick(VALUES);
      lines.push("  ".repeat(depth) + r.pick(KEYS) + ":" + value);
    }
  }
  let text = lines.join(r.next() < 0.1 ? "\r\n" : "\n");
  if (r.next() < 0.1) text = text.slice(0, r.int(text.length + 1));
  return text;
}

function documented(err: unknown): UserError {
  assert.ok(err instanceof UserError, `not a user error: ${(err as Error)?.stack ?? err}`);
  assert.equal(err.exitCode, ExitCode.Usage);
  assert.ok(!err.message.includes("\n"), err.message);
  assert.ok(err.message.length < 600, err.message);
  return err;
}

Deno.test("fuzzed factory.yaml: loaded, or one line with exit 2 (seeded, 200 cases)", async () => {
  await inTemp(async (dir) => {
    const r = rng(20261201);
    let refused = 0;
    for (let i = 0; i < 200; i++) {
      const yaml = fuzzYaml(r);
      assert.ok(yaml.length < 64 * 1024);
      await Deno.writeTextFile(join(dir, "factory.yaml"), yaml);
      try {
        loadConfig({ cwd: dir, env: () => undefined });
      } catch (err) {
        documented(err);
        refused++;
      }
    }
    assert.ok(refused > 25 && refused < 200, `${refused} refused`);
    // This test's own heap (the process holds the other shards' isolates too).
    const heap = Deno.memoryUsage().heapUsed;
    assert.ok(heap < 512 * 1024 ** 2, `${heap} bytes of heap after the fuzzed loads`);
  });
});

Deno.test("fuzzed factory.yaml through the CLI: exit 0 or 2, one line, no stack (seeded, 40 cases)", async () => {
  await inTemp(async (dir) => {
    const r = rng(7);
    for (let i = 0; i < 40; i++) {
      await Deno.writeTextFile(join(dir, "factory.yaml"), fuzzYaml(r));
      const res = await lao(dir, ["status", "--json"]);
      assert.ok([0, 2].includes(res.code), `exit ${res.code}: ${res.stderr.join("\n")}`);
      const errors = res.stderr.filter((l) => !l.startsWith("warning: "));
      if (res.code === 2) assert.equal(errors.length, 1, res.stderr.join("\n"));
      assert.ok(!res.stderr.some((l) => /^\s+at /.test(l)));
    }
  });
});

function fuzzPlan(r: ReturnType<typeof rng>): Uint8Array {
  const parts: string[] = [];
  const n = 1 + r.int(200);
  for (let i = 0; i < n; i++) {
    const roll = r.next();
    if (roll < 0.2) parts.push("#".repeat(1 + r.int(6)) + " Heading " + i);
    else if (roll < 0.4) parts.push("- item " + "word ".repeat(r.int(40)));
    else if (roll < 0.45) parts.push(r.pick([">", "=", "a", " ", "é", "😀"]).repeat(r.int(6000)));
    else if (roll < 0.5) parts.push(`${i}. numbered`);
    else if (roll < 0.55) parts.push("\u001b[31m\u0007");
    else parts.push("Prose " + "lorem ipsum ".repeat(r.int(30)));
  }
  const bytes = new TextEncoder().encode(parts.join(r.next() < 0.2 ? "\r\n" : "\n"));
  if (r.next() < 0.15) bytes[r.int(bytes.length)] = r.pick([0x00, 0xff, 0xc3, 0x80]);
  return bytes;
}

Deno.test("fuzzed plan files: refused with a reason or chunked in work linear in their size (seeded, 150 cases)", async () => {
  await inTemp(async (dir) => {
    const r = rng(42);
    const plans = join(dir, "plans");
    await Deno.mkdir(plans);
    const store = Store.open(join(dir, ".lao", "state.db"));
    try {
      for (let i = 0; i < 150; i++) {
        const bytes = fuzzPlan(r);
        const path = join(plans, `p${i}.md`);
        await Deno.writeFile(path, bytes);
        const content = readPlanContent(path);
        if (!content.ok) {
          assert.ok(!content.reason.includes("\n") && content.reason.length < 300);
          continue;
        }
        let counted = 0;
        let longest = 0;
        const { chunks } = chunkPlan(content.text, {
          contextLength: 4096,
          maxContextUtilization: 0.85,
          reservedTokens: 256,
          maxCompletion: 2048,
        }, (t) => {
          counted += t.length;
          longest = Math.max(longest, t.length);
          return Math.ceil(t.length / 4) + 10;
        });
        assert.ok(
          counted <= 3 * content.text.length + 100,
          `${counted} for ${content.text.length}`,
        );
        assert.ok(longest <= 8192 + 16);
        assert.ok(chunks.length >= 1);
      }
      // The whole folder through the intake: nothing throws; each file registered or refused.
      scanPlans(store, dir, plans);
      const registered = store.listPlans().length;
      const refused = (store.db.prepare("SELECT count(*) AS n FROM plan_refusals").get() as {
        n: number;
      }).n;
      assert.equal(registered + refused, 150);
    } finally {
      store.close();
    }
  });
});
