import assert from "node:assert/strict";
import { checkSizes, longFunctions, MAX_LINES } from "./check_size.ts";

const body = (n: number) => Array.from({ length: n }, (_, i) => `  const v${i} = ${i};`).join("\n");

Deno.test("longFunctions() names the outermost function over the limit, closures included", () => {
  const text = `export function small() {\n${body(5)}\n}\n` +
    `export function big() {\n  const inner = () => {\n${body(MAX_LINES)}\n  };\n  inner();\n}\n` +
    `const arrow = () => {\n${body(MAX_LINES)}\n};\n` +
    `class K {\n  method() {\n${body(MAX_LINES)}\n  }\n}\n`;
  const found = longFunctions("src/x.ts", text);
  assert.deepEqual(found.map((f) => f.key), ["src/x.ts#big", "src/x.ts#arrow", "src/x.ts#method"]);
  assert.equal(found[0]!.lines, MAX_LINES + 5);
});

Deno.test("checkSizes() fails on a planted long function and on one that grew past its entry", () => {
  const found = [
    { key: "src/a.ts#planted", line: 3, lines: 90 },
    { key: "src/b.ts#grew", line: 1, lines: 80 },
    { key: "src/c.ts#parser", line: 1, lines: 300 },
    { key: "src/d.ts#same", line: 1, lines: 70 },
  ];
  const problems = checkSizes(found, { "src/c.ts#parser": "a parser" }, {
    "src/b.ts#grew": 75,
    "src/d.ts#same": 70,
  });
  assert.deepEqual(problems, [
    "src/a.ts:3 planted is 90 lines (at most 60): cut it into named steps",
    "src/b.ts:1 grew grew to 80 lines (listed at 75 in TO_CUT): cut it instead",
  ]);
});

Deno.test("checkSizes() asks to remove an entry whose function was cut below the limit", () => {
  assert.deepEqual(checkSizes([], {}, { "src/e.ts#cut": 70 }), [
    "src/e.ts#cut is no longer over 60 lines: remove it from tools/check_size.ts",
  ]);
});
