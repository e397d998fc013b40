import assert from "node:assert/strict";
import {
  compileArgs,
  findRuntime,
  isRuntimeFailure,
  parseTargets,
  RUNTIME_MODULES,
  RUNTIME_UNAVAILABLE,
  TARGETS,
} from "./compile.ts";

const REPO = new URL("..", import.meta.url).pathname;

Deno.test("compileArgs() uses the lao permission set and includes every runtime module", () => {
  const args = compileArgs("x86_64-apple-darwin");
  assert.ok(args.includes("-P=lao"));
  assert.deepEqual(args.slice(args.indexOf("--target"), args.indexOf("--target") + 2), [
    "--target",
    "x86_64-apple-darwin",
  ]);
  for (const m of RUNTIME_MODULES) assert.ok(args.includes(m), m);
  assert.equal(args.at(-2), "dist/lao-x86_64-apple-darwin");
});

Deno.test("every Worker module started by URL in src/ is in RUNTIME_MODULES", async () => {
  const workers = new Set<string>();
  for await (const entry of walkTs(`${REPO}src`)) {
    const text = await Deno.readTextFile(entry);
    for (const m of text.matchAll(/new URL\("\.\/([\w/]+\.ts)", import\.meta\.url\)/g)) {
      const dir = entry.slice(REPO.length).replace(/[^/]+$/, "");
      workers.add(`${dir}${m[1]}`);
    }
  }
  assert.ok(workers.size > 0, "no Worker module found: the pattern is out of date");
  for (const w of workers) assert.ok((RUNTIME_MODULES as readonly string[]).includes(w), w);
});

Deno.test("parseTargets() takes all, --host or named targets and refuses unknown ones", () => {
  assert.deepEqual(parseTargets([], "x86_64-unknown-linux-gnu"), [...TARGETS]);
  assert.deepEqual(parseTargets(["--host"], "aarch64-apple-darwin"), ["aarch64-apple-darwin"]);
  assert.deepEqual(parseTargets(["--target", "aarch64-unknown-linux-gnu"], "x"), [
    "aarch64-unknown-linux-gnu",
  ]);
  assert.match(String(parseTargets(["--target", "mips"], "x")), /unknown target "mips"/);
  assert.match(String(parseTargets(["--fast"], "x")), /unknown argument "--fast"/);
});

Deno.test("isRuntimeFailure() recognises Deno's runtime download error, not a type error", () => {
  assert.ok(
    isRuntimeFailure(
      "error: Writing deno compile executable\nCaused by:\n 0: Setting up base binary.\n 1: error sending request for url",
    ),
  );
  assert.ok(!isRuntimeFailure("error: TS2322 [ERROR]: Type 'string' is not assignable"));
});

Deno.test("deno task compile offline prints one line naming DENORT_BIN and exits with its own code", async () => {
  const host = Deno.build.target;
  const cached = await findRuntime(host);
  // A proxy nobody listens on: any download fails at once, as on a machine without a network.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const out = await new Deno.Command("deno", {
    args: ["task", "-q", "compile:host"],
    cwd: REPO,
    stdout: "piped",
    stderr: "piped",
    env: {
      NO_COLOR: "1",
      HTTPS_PROXY: `http://127.0.0.1:${port}`,
      HTTP_PROXY: `http://127.0.0.1:${port}`,
      DENORT_BIN: "",
    },
  }).output();
  const stderr = new TextDecoder().decode(out.stderr).split("\n").filter((l) => l.trim() !== "")
    .filter((l) => !/^Warning Permissions in the config file/.test(l));
  if (cached) {
    // This machine has the runtime already: the build must simply succeed.
    assert.equal(out.code, 0, stderr.join("\n"));
    return;
  }
  assert.equal(out.code, RUNTIME_UNAVAILABLE, stderr.join("\n"));
  assert.equal(stderr.length, 1, stderr.join("\n"));
  assert.match(stderr[0]!, /^compile: Cannot build dist\/lao-[\w-]+: .*denort.*set DENORT_BIN/);
});

async function* walkTs(dir: string): AsyncGenerator<string> {
  for await (const e of Deno.readDir(dir)) {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory) yield* walkTs(path);
    else if (e.name.endsWith(".ts") && !e.name.endsWith("_test.ts")) yield path;
  }
}
