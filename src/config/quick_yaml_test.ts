import { deepStrictEqual as assertEquals } from "node:assert/strict";
import YAML from "yaml";
import { quickYaml } from "./quick_yaml.ts";

const exampleUrl = new URL("../../factory.example.yaml", import.meta.url);

Deno.test("quickYaml reads the shipped factory.example.yaml exactly as the YAML library does", () => {
  const text = Deno.readTextFileSync(exampleUrl);
  const quick = quickYaml(text);
  assertEquals(quick === undefined, false);
  assertEquals(quick, YAML.parse(text));
});

/** Documents it reads: each must equal the library's reading. */
const PLAIN = [
  "",
  "# only a comment\n",
  "a: 1\nb: -2.5\nc: 1e3\nd: +7\ne: .5\nf: 010\n",
  "a: ~\nb: null\nc:\nd: NULL\n",
  "a: true\nb: False\nc: TRUE\nd: yes\ne: no\n",
  "url: http://127.0.0.1:1234 # the server\nkey: 'it''s'\nq: \"a # b\"\n",
  'models:\n  coder: { key: "qwen/coder", context_length: 8192 }\n  planner: {}\n',
  "list:\n  - a\n  - 2\n  - \"c\"\nflow: [x, 1, 'y']\nempty: []\n",
  "deep:\n  one:\n    two:\n      three: v\n  back: 1\ntop: 2\n",
  "crlf: 1\r\nnext:\r\n  x: y\r\n",
  'a: x, y\nb: Reviews each task\'s change # note\nc: say "hi"\n',
  "path: ~/lao/state.db\nname: foo-bar_baz.v2\n",
];

/** Documents it must leave to the library (it returns undefined). */
const NOT_PLAIN = [
  "a: &x 1\nb: *x\n",
  "a: !!str 1\n",
  "a: |\n  text\n",
  "a: >\n  text\n",
  "a: 1\na: 2\n",
  "a: one\n  two\n",
  "---\na: 1\n",
  "a:\n- x\n",
  'a: "esc\\n"\n',
  "a: 0x1F\nb: .inf\n",
  "a: { b: { c: 1 } }\n",
  "\ta: 1\n",
  "a: [1, 2,]\n",
  "? complex\n: key\n",
  "  a: 1\nb: 2\n",
  "a: 12345678901234567890\n",
];

for (const [i, text] of PLAIN.entries()) {
  Deno.test(`quickYaml equals the library on plain document ${i}`, () => {
    assertEquals(quickYaml(text), YAML.parse(text) ?? null);
  });
}

for (const [i, text] of NOT_PLAIN.entries()) {
  Deno.test(`quickYaml leaves document ${i} to the library`, () => {
    assertEquals(quickYaml(text), undefined);
  });
}
