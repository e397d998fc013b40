import assert from "node:assert/strict";
import { OutputCapture } from "./output_cap.ts";

const enc = new TextEncoder();

Deno.test("OutputCapture keeps short output whole", async () => {
  const c = new OutputCapture({ head: 10, tail: 10 });
  await c.push(enc.encode("hello\n"));
  assert.equal(c.text(), "hello\n");
  assert.equal(c.truncated, false);
});

Deno.test("OutputCapture keeps head and tail with an omission marker", async () => {
  const c = new OutputCapture({ head: 5, tail: 5 });
  for (const part of ["01234", "56789", "abcde", "fghij"]) await c.push(enc.encode(part));
  assert.equal(c.text(), "01234\n... 10 bytes omitted ...\nfghij");
  assert.equal(c.totalBytes, 20);
});

Deno.test("OutputCapture does not split a UTF-8 character across chunks", async () => {
  const c = new OutputCapture();
  const bytes = enc.encode("é");
  await c.push(bytes.subarray(0, 1));
  await c.push(bytes.subarray(1));
  assert.equal(c.text(), "é");
});
