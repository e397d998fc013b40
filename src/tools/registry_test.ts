import assert from "node:assert/strict";
import { capOutput, executeToolCall, toolDefinitions } from "./registry.ts";
import { withMemoryWorkspace } from "../../testing/memory_fs.ts";
import type { ToolContext } from "./types.ts";

const ctxOf = (fs: ToolContext["fs"], extra: Partial<ToolContext> = {}): ToolContext => ({
  fs,
  ...extra,
});

Deno.test("toolDefinitions() offers every tool as an OpenAI function with a JSON schema", () => {
  const defs = toolDefinitions();
  assert.deepEqual(defs.map((d) => d.function.name), [
    "file_read",
    "file_write",
    "file_patch",
    "list_dir",
    "search",
    "find_relevant_files",
    "shell_exec",
  ]);
  const write = defs.find((d) => d.function.name === "file_write")!;
  assert.deepEqual(write.function.parameters.required, ["path", "content"]);
  assert.equal("$schema" in write.function.parameters, false);
  assert.ok(write.function.description.length > 20);
});

Deno.test("executeToolCall() writes a file and reports it as changed", async () => {
  await withMemoryWorkspace({}, async (fs) => {
    const r = await executeToolCall(
      "file_write",
      '{"path": "src/a.ts", "content": "export {};\\n"}',
      ctxOf(fs),
    );
    assert.equal(r.ok, true);
    assert.match(r.output, /^OK: Created src\/a.ts/);
    assert.deepEqual(r.changedPaths, ["src/a.ts"]);
    assert.equal(await fs.readText("src/a.ts"), "export {};\n");
  });
});

Deno.test("executeToolCall() maps well-known argument aliases such as file_path, old and new", async () => {
  await withMemoryWorkspace({ "a.py": "x = 1\n" }, async (fs) => {
    const r = await executeToolCall(
      "file_patch",
      { file_path: "a.py", old: "x = 1", new: "x = 2" },
      ctxOf(fs),
    );
    assert.equal(r.ok, true, r.output);
    assert.deepEqual(r.changedPaths, ["a.py"]);
    assert.equal(await fs.readText("a.py"), "x = 2\n");
    const read = await executeToolCall("read_file", { filename: "a.py" }, ctxOf(fs));
    assert.equal(read.output, "x = 2");
  });
});

Deno.test("executeToolCall() names the expected arguments when an argument is unknown", async () => {
  await withMemoryWorkspace({}, async (fs) => {
    const r = await executeToolCall(
      "file_write",
      { path: "a", content: "b", mode: "w" },
      ctxOf(fs),
    );
    assert.equal(r.ok, false);
    assert.equal(
      r.output,
      'ERROR: file_write got unknown argument "mode". Expected arguments: path, content',
    );
  });
});

Deno.test("executeToolCall() reports a missing required argument", async () => {
  await withMemoryWorkspace({}, async (fs) => {
    const r = await executeToolCall("file_write", { path: "a" }, ctxOf(fs));
    assert.match(r.output, /^ERROR: Invalid arguments for file_write: content: is required/);
  });
});

Deno.test("executeToolCall() lists the available tools for an unknown tool", async () => {
  await withMemoryWorkspace({}, async (fs) => {
    const r = await executeToolCall("delete_everything", "{}", ctxOf(fs));
    assert.equal(r.ok, false);
    assert.match(
      r.output,
      /^ERROR: Unknown tool "delete_everything". Available tools: file_read, file_write/,
    );
  });
});

Deno.test("executeToolCall() returns an error for arguments that are not JSON", async () => {
  await withMemoryWorkspace({}, async (fs) => {
    const r = await executeToolCall("file_read", '{"path": "a.ts", "max_lines": [1, 2', ctxOf(fs));
    assert.match(r.output, /^ERROR: file_read: arguments are not valid JSON/);
  });
});

Deno.test("executeToolCall() turns workspace refusals into model-readable errors", async () => {
  await withMemoryWorkspace({}, async (fs) => {
    const r = await executeToolCall("file_read", { path: "../../etc/passwd" }, ctxOf(fs));
    assert.equal(
      r.output,
      'ERROR: Cannot read "../../etc/passwd": path resolves outside the workspace',
    );
    const missing = await executeToolCall("file_read", { path: "nope.txt" }, ctxOf(fs));
    assert.equal(missing.output, 'ERROR: Cannot read "nope.txt": file not found');
  });
});

Deno.test("file_read pages long files and says how to read the rest", async () => {
  const text = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`).join("\n") + "\n";
  await withMemoryWorkspace({ "long.txt": text }, async (fs) => {
    const r = await executeToolCall(
      "file_read",
      { path: "long.txt", max_lines: "10", offset: 11 },
      ctxOf(fs),
    );
    assert.equal(r.output.split("\n")[0], "line 11");
    assert.match(r.output, /\(lines 11-20 of 30; call file_read with offset=21 for more\)$/);
  });
});

Deno.test("list_dir shows folders first, sizes, and hides dot entries", async () => {
  await withMemoryWorkspace(
    { "b.txt": "12345", "src/a.ts": "x", ".env": "SECRET=1" },
    async (fs) => {
      const r = await executeToolCall("list_dir", {}, ctxOf(fs));
      assert.equal(r.output, "src/\n  a.ts (1B)\nb.txt (5B)");
    },
  );
});

Deno.test("search returns path:line: text for each match", async () => {
  await withMemoryWorkspace(
    { "a.ts": "const x = 1;\n// TODO fix\n", "b/c.ts": "todo later\n" },
    async (fs) => {
      const r = await executeToolCall("search", { pattern: "todo" }, ctxOf(fs));
      assert.equal(r.output, "a.ts:2: // TODO fix\nb/c.ts:1: todo later");
      const exact = await executeToolCall("search", { pattern: "TODO", regex: "true" }, ctxOf(fs));
      assert.equal(exact.output, "a.ts:2: // TODO fix");
    },
  );
});

Deno.test("find_relevant_files ranks by BM25 without an embedder", async () => {
  const files = {
    "src/auth/login.ts": "export function validateLogin(user) {}",
    "src/cart.ts": "addToCart()",
  };
  await withMemoryWorkspace(files, async (fs) => {
    const r = await executeToolCall(
      "find_relevant_files",
      { query: "login validation" },
      ctxOf(fs),
    );
    assert.match(r.output, /^1\. src\/auth\/login.ts/);
    assert.equal(r.output.includes("cart"), false);
  });
});

Deno.test("find_relevant_files uses the embedder when one is available", async () => {
  const files = { "a.md": "alpha", "b.md": "beta" };
  const embed = (texts: string[]) =>
    Promise.resolve(
      texts.map((t) => (t.includes("b.md") || t.includes("query") ? [0, 1] : [1, 0])),
    );
  await withMemoryWorkspace(files, async (fs) => {
    const r = await executeToolCall(
      "find_relevant_files",
      { query: "x", top_k: 1 },
      ctxOf(fs, { embed }),
    );
    assert.equal(r.output, "1. b.md (score 1.00)");
  });
});

Deno.test("shell_exec says it is disabled when no shell is configured, and delegates otherwise", async () => {
  await withMemoryWorkspace({}, async (fs) => {
    const off = await executeToolCall("shell_exec", { cmd: "ls" }, ctxOf(fs));
    assert.match(off.output, /^ERROR: shell_exec is disabled/);
    const calls: [string, number][] = [];
    const shell = (
      c: string,
      t: number,
    ) => (calls.push([c, t]), Promise.resolve("exit_code: 0\nok"));
    const on = await executeToolCall(
      "shell_exec",
      { command: "ls", timeout: 5 },
      ctxOf(fs, { shell }),
    );
    assert.equal(on.ok, true);
    assert.deepEqual(calls, [["ls", 5]]);
  });
});

Deno.test("capOutput() keeps the head and tail of long output", () => {
  const long = "a".repeat(3000) + "b".repeat(3000);
  const capped = capOutput(long);
  assert.ok(capped.startsWith("aaa") && capped.endsWith("bbb"));
  assert.match(capped, /\[3000 chars omitted\]/);
});
