/**
 * Reading and checking model-reply fixtures: each case runs through the
 * parser LAO uses for it and is compared with the fixture's expectation.
 *
 * Fixture format (`cases/<name>.txt`):
 * ```
 * kind: architect | verdict | tools | json
 * --- reply
 * <the model's reply, verbatim>
 * --- reasoning        (optional: the server's reasoning_content)
 * <text>
 * --- expect
 * <JSON expectation, see the checkers below>
 * ```
 */
import assert from "node:assert/strict";
import { parseArchitectReply } from "../../src/agents/parse/architect.ts";
import { extractJson } from "../../src/agents/parse/json_extract.ts";
import { parseTextToolCalls } from "../../src/agents/parse/text_tool_calls.ts";
import { parseVerdict } from "../../src/agents/parse/verdict.ts";

/** One fixture. */
export interface Case {
  name: string;
  kind: string;
  reply: string;
  reasoning: string;
  expect: Record<string, unknown>;
}

/** Reads one fixture file. */
export function parseCase(name: string, text: string): Case {
  const kind = text.match(/^kind:\s*(\w+)/)?.[1];
  const sections = new Map<string, string>();
  const parts = text.split(/^--- (reply|reasoning|expect)$\n?/m);
  for (let i = 1; i < parts.length; i += 2) {
    sections.set(parts[i]!, parts[i + 1]!.replace(/\n$/, ""));
  }
  if (!kind || !sections.has("reply") || !sections.has("expect")) {
    throw new Error(`Cannot read corpus case "${name}": missing kind, reply or expect section`);
  }
  return {
    name,
    kind,
    reply: sections.get("reply")!,
    reasoning: sections.get("reasoning") ?? "",
    expect: JSON.parse(sections.get("expect")!),
  };
}

/** Asserts that a fixture parses as expected. */
export function check(c: Case): void {
  const e = c.expect;
  if (c.kind === "architect") {
    const r = parseArchitectReply(c.reply);
    assert.deepEqual(r.tasks.map((t) => t.title), e.titles);
    assert.equal(r.errors.length, e.errors, `errors: ${JSON.stringify(r.errors)}`);
    assert.equal(r.truncated, e.truncated);
    if (e.errorText) assert.equal(r.errors[0], e.errorText);
    if (e.first) assert.deepEqual({ ...r.tasks[0], ...(e.first as object) }, r.tasks[0]);
    if (e.last) assert.deepEqual({ ...r.tasks.at(-1), ...(e.last as object) }, r.tasks.at(-1));
  } else if (c.kind === "verdict") {
    const r = parseVerdict(c.reply, c.reasoning);
    assert.equal(r.verdict, e.verdict);
    assert.equal(r.findings.length, e.findings);
    if (e.severities) assert.deepEqual(r.findings.map((f) => f.severity), e.severities);
    if (e.firstFinding) {
      assert.deepEqual({ ...r.findings[0], ...(e.firstFinding as object) }, r.findings[0]);
    }
  } else if (c.kind === "tools") {
    const r = parseTextToolCalls(c.reply);
    assert.deepEqual(r.calls, e.calls);
    if ("text" in e) assert.equal(r.text, e.text);
  } else if (c.kind === "json") {
    const r = extractJson(c.reply);
    assert.deepEqual(r?.value, e.value);
    assert.equal(r?.truncated, e.truncated);
  } else {
    throw new Error(`Unknown corpus kind "${c.kind}" in "${c.name}"`);
  }
}

/** Every `.txt` fixture in `dir`, sorted by name. */
export function readCases(dir: URL): Case[] {
  return [...Deno.readDirSync(dir)]
    .filter((e) => e.isFile && e.name.endsWith(".txt"))
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((e) => parseCase(e.name, Deno.readTextFileSync(new URL(e.name, dir))));
}
