import assert from "node:assert/strict";
import { detectLanguages } from "./languages.ts";

Deno.test("detectLanguages() reads languages named in the plan", () => {
  const plan = "Build a React front end in TypeScript and a Rust backend with tokio.";
  assert.deepEqual(detectLanguages(plan, ["main.py"]), ["javascript", "rust", "typescript"]);
});

Deno.test("detectLanguages() does not confuse Java with JavaScript or C with C++", () => {
  assert.deepEqual(detectLanguages("A JavaScript widget.", []), ["javascript"]);
  assert.deepEqual(detectLanguages("Write it in C++ with CMake.", []), ["cpp"]);
});

Deno.test("detectLanguages() falls back to file extensions when the plan names none", () => {
  assert.deepEqual(detectLanguages("Make a todo app.", ["src/a.go", "b.py", "README.md"]), [
    "go",
    "python",
  ]);
  assert.deepEqual(detectLanguages("", []), []);
});
