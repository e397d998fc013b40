import assert from "node:assert/strict";
import { checkJson, checkScript, lineColumnAt } from "./syntax_check.ts";

Deno.test("checkJson() reports a trailing comma with line and column", () => {
  const text = '{\n  "name": "app",\n  "version": "1.0.0",\n}\n';
  const finding = checkJson("package.json", text);
  assert.equal(finding?.issue_class, "json_parse_error");
  assert.equal(finding?.severity, "major");
  assert.match(finding?.message ?? "", /^Cannot parse "package\.json" at line 4, column 1: /);
});

Deno.test("checkJson() accepts valid JSON", () => {
  assert.equal(checkJson("a.json", '{"a": [1, 2]}'), null);
});

Deno.test("checkScript() reports an unclosed brace in TypeScript with line:col", async () => {
  const text = "export function f(x: number): number {\n  if (x > 0) {\n    return x;\n  }\n";
  const finding = await checkScript("src/f.ts", text);
  assert.equal(finding?.issue_class, "typescript_syntax_error");
  assert.match(finding?.message ?? "", /^Cannot parse "src\/f\.ts:5:1": /);
});

Deno.test("checkScript() parses TSX, JSX and braces inside strings and templates", async () => {
  const tsx = 'export const A = (p: { n: string }) => <input placeholder="Name" value={p.n} />;\n';
  assert.equal(await checkScript("src/A.tsx", tsx), null);
  const js = "const s = `${'{'} }`;\nconst r = /[{(]/;\nmodule.exports = { s, r };\n";
  assert.equal(await checkScript("lib/s.js", js), null);
  assert.equal(await checkScript("lib/v.jsx", "const v = <div>{1}</div>;\n"), null);
});

Deno.test("checkScript() reports JavaScript errors as javascript_syntax_error", async () => {
  assert.equal((await checkScript("a.js", "const = 1;"))?.issue_class, "javascript_syntax_error");
});

Deno.test("checkScript() ignores files that are not JavaScript or TypeScript", async () => {
  assert.equal(await checkScript("a.py", "def ("), null);
});

Deno.test("lineColumnAt() counts 1-based lines and columns", () => {
  assert.deepEqual(lineColumnAt("ab\ncd", 4), { line: 2, column: 2 });
});
