import assert from "node:assert/strict";
import { withFirst } from "./check_and_test.ts";

Deno.test("a shim's python3: the interpreter's own folder goes first on the tests' PATH", () => {
  assert.equal(
    withFirst("/root/.pyenv/shims:/usr/bin:/bin", "/root/.pyenv/versions/3.11.7/bin/python3"),
    "/root/.pyenv/versions/3.11.7/bin:/root/.pyenv/shims:/usr/bin:/bin",
  );
});

Deno.test("python3 already first, or no usable answer: PATH stays as it was", () => {
  assert.equal(withFirst("/usr/bin:/bin", "/usr/bin/python3"), "/usr/bin:/bin");
  assert.equal(withFirst("/usr/bin:/bin", ""), "/usr/bin:/bin");
  assert.equal(withFirst("/usr/bin:/bin", "python3"), "/usr/bin:/bin");
});
