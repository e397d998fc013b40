import assert from "node:assert/strict";
import { detectLanguages, gitignoreFor } from "./gitignore.ts";

Deno.test("gitignoreFor() always ignores .DS_Store, .env and .lao/", () => {
  for (const langs of [[], ["rust"], ["node"]]) {
    const lines = gitignoreFor(langs).split("\n");
    for (const always of [".DS_Store", ".env", ".lao/"]) assert.ok(lines.includes(always));
  }
});

Deno.test("gitignoreFor() adds each language's build folders", () => {
  const text = gitignoreFor(["TypeScript", "rust"]);
  assert.match(text, /^node_modules\/$/m);
  assert.match(text, /^dist\/$/m);
  assert.match(text, /^target\/$/m);
  assert.doesNotMatch(text, /__pycache__/);
});

Deno.test("gitignoreFor() falls back to the Python rules without a known language", () => {
  assert.match(gitignoreFor(["cobol"]), /^__pycache__\/\n\.venv\/\n\*\.pyc\n$/m);
});

Deno.test("detectLanguages() recognises languages named in a plan", () => {
  assert.deepEqual(detectLanguages("Write a Flask app with pytest tests"), ["python"]);
  assert.deepEqual(detectLanguages("A React front end and a Rust (cargo) API"), ["node", "rust"]);
  assert.deepEqual(detectLanguages("Let's go shopping"), []);
});
