import assert from "node:assert/strict";
import { fencePath, looksLikeToolCall, parseTextToolCalls } from "./text_tool_calls.ts";

Deno.test("parseTextToolCalls() returns calls in reply order across formats", () => {
  const reply = 'First <function=file_read>{"path": "a"}</function> then\n' +
    '[TOOL_REQUEST]{"name": "list_dir", "arguments": {}}[END_TOOL_REQUEST] done';
  const r = parseTextToolCalls(reply);
  assert.deepEqual(r.calls.map((c) => c.name), ["file_read", "list_dir"]);
  assert.equal(r.text, "First  then\n done");
});

Deno.test("parseTextToolCalls() reads XML parameters and turns numbers into numbers", () => {
  const r = parseTextToolCalls(
    "<function=file_read><parameter=path>a.ts</parameter><parameter=max_lines>20</parameter></function>",
  );
  assert.deepEqual(r.calls, [{ name: "file_read", arguments: { path: "a.ts", max_lines: 20 } }]);
});

Deno.test("parseTextToolCalls() recovers a truncated tool call", () => {
  const r = parseTextToolCalls(
    '<tool_call>{"name": "file_write", "arguments": {"path": "a.ts", "content": "x"}',
  );
  assert.deepEqual(r.calls, [{ name: "file_write", arguments: { path: "a.ts", content: "x" } }]);
});

Deno.test("fencePath() accepts paths and rejects language names", () => {
  assert.equal(fencePath("src/a.ts"), "src/a.ts");
  assert.equal(fencePath("ts title=lib/x.ts"), "lib/x.ts");
  assert.equal(fencePath("typescript"), undefined);
  assert.equal(fencePath("json"), undefined);
});

Deno.test("looksLikeToolCall() flags replies that tried to call a tool", () => {
  assert.equal(looksLikeToolCall("<tool_call>{broken"), true);
  assert.equal(looksLikeToolCall("All done."), false);
});
