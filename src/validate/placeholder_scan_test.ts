import assert from "node:assert/strict";
import { scanPlaceholders } from "./placeholder_scan.ts";

function classes(path: string, text: string): string[] {
  return scanPlaceholders(path, text).findings.map((f) => `${f.severity}:${f.issue_class}`);
}

Deno.test("scanPlaceholders() ignores a JSX placeholder attribute and UI copy in strings", () => {
  const jsx = [
    "export function NameField() {",
    '  const hint = "Type a placeholder name for now";',
    '  return <input placeholder="Name" aria-label={hint} />;',
    "}",
  ].join("\n");
  assert.deepEqual(scanPlaceholders("src/NameField.jsx", jsx).findings, []);
});

Deno.test("scanPlaceholders() ignores placeholder attributes in HTML", () => {
  const html = '<form><input name="q" placeholder="Search for now"></form>\n';
  assert.deepEqual(scanPlaceholders("index.html", html).findings, []);
});

Deno.test("scanPlaceholders() reports a TODO comment as minor, not major", () => {
  const ts =
    "export function add(a: number, b: number) {\n  // TODO: handle overflow\n  return a + b;\n}\n";
  const [finding] = scanPlaceholders("src/add.ts", ts).findings;
  assert.equal(finding?.severity, "minor");
  assert.equal(finding?.issue_class, "placeholder_comment");
  assert.match(finding?.message ?? "", /line 2/);
  assert.ok((finding?.confidence ?? 1) < 0.6);
});

Deno.test("scanPlaceholders() reports a deferred-logic phrase as major", () => {
  const py =
    "def charge(card):\n    # In a real implementation this would call the payment API\n    return True\n";
  assert.deepEqual(classes("pay.py", py), ["major:placeholder_text"]);
});

Deno.test("scanPlaceholders() reports a Python `pass  # TODO` body as a major stub", () => {
  const py = "def load(path):\n    pass  # TODO\n";
  assert.deepEqual(classes("load.py", py), ["major:stub_implementation"]);
});

Deno.test("scanPlaceholders() reports `...` as a function body but not in a Protocol", () => {
  const stub = "def parse(text: str) -> dict:\n    ...\n";
  assert.deepEqual(classes("parse.py", stub), ["major:stub_implementation"]);
  const protocol = [
    "from typing import Protocol",
    "class Reader(Protocol):",
    "    def read(self) -> str:",
    "        ...",
  ].join("\n");
  assert.deepEqual(classes("reader.py", protocol), []);
});

Deno.test("scanPlaceholders() exempts raise NotImplementedError under @abstractmethod", () => {
  const abstract = [
    "class Shape:",
    "    @abstractmethod",
    "    def area(self):",
    "        raise NotImplementedError",
  ].join("\n");
  assert.deepEqual(classes("shape.py", abstract), []);
  const stub = "def area(r):\n    raise NotImplementedError\n";
  assert.deepEqual(classes("area.py", stub), ["major:stub_implementation"]);
});

Deno.test("scanPlaceholders() reports throw new Error('Not implemented') in TypeScript", () => {
  const ts = 'export function save(): void {\n  throw new Error("Not implemented");\n}\n';
  assert.deepEqual(classes("src/save.ts", ts), ["major:stub_implementation"]);
});

Deno.test("scanPlaceholders() groups repeated markers into one finding with a count", () => {
  const ts = "// TODO one\nconst a = 1;\n// TODO two\nconst b = 2;\n";
  const scan = scanPlaceholders("a.ts", ts);
  assert.equal(scan.findings.length, 1);
  assert.equal(scan.markers, 2);
  assert.match(scan.findings[0]?.message ?? "", /2 occurrences, first at line 1/);
});

Deno.test("scanPlaceholders() does not read comment markers inside strings or regexes", () => {
  const ts = 'const url = "http://example.com/todo"; // fine\nconst re = /\\/\\/ TODO/;\n';
  assert.deepEqual(scanPlaceholders("a.ts", ts).findings, []);
});

Deno.test("scanPlaceholders() skips Markdown and data files", () => {
  assert.deepEqual(scanPlaceholders("README.md", "TODO: write docs for now\n").findings, []);
  assert.deepEqual(scanPlaceholders("data.json", '{"placeholder": "TODO"}').findings, []);
});
