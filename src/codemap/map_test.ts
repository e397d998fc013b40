import assert from "node:assert/strict";
import { join } from "node:path";
import { cl100k } from "../llm/tokens.ts";
import { writeCodeBase } from "../../tests/existing_repo/map_fixture.ts";
import { extractSymbols } from "./extract.ts";
import { rankFiles, renderMap, updateMap } from "./map.ts";

Deno.test("definitions are found per language", () => {
  const names = (path: string, text: string) =>
    extractSymbols(path, text).definitions.map((d) => d.name);
  assert.deepEqual(names("a.py", "def run(x):\n    pass\nclass Job:\n  pass\n"), ["run", "Job"]);
  assert.deepEqual(names("a.ts", "export async function load() {}\ninterface Row {}\n"), [
    "load",
    "Row",
  ]);
  assert.deepEqual(names("a.go", "func (s *S) Serve() {}\ntype S struct{}\n"), ["Serve", "S"]);
  assert.deepEqual(names("a.rs", "pub fn parse() {}\nstruct Tok;\n"), ["parse", "Tok"]);
  assert.deepEqual(names("a.txt", "def nothing(): pass\n"), []);
});

Deno.test("the map of a few hundred files in five languages is deterministic, within budget and ranked towards what the plan names", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lao_map_" });
  try {
    await writeCodeBase(dir, 300);
    const count = await cl100k();
    const a = await updateMap(dir);
    const b = await updateMap(dir);
    assert.equal(a.stats.files, 300);
    const focus = { text: "Change fn_42 so it logs, see src/m0/f3.rs" };
    const one = renderMap(a.map, focus, 1500, count);
    const two = renderMap(b.map, focus, 1500, count);
    assert.equal(one.text, two.text);
    assert.ok(one.tokens <= 1500, `${one.tokens} tokens`);
    assert.ok(one.files > 5 && one.files < 300);
    const top = rankFiles(a.map, focus).slice(0, 5).map((r) => r.path);
    assert.ok(top.includes("src/m0/f42.go") && top.includes("src/m0/f3.rs"), top.join(", "));

    // An update after one change reads only that file.
    await Deno.writeTextFile(join(dir, "src/m0/f1.ts"), "export function renamed() {}\n");
    const next = await updateMap(dir, a.map);
    assert.equal(next.stats.extracted, 1);
    assert.deepEqual(next.map.files["src/m0/f1.ts"]!.symbols.definitions.map((d) => d.name), [
      "renamed",
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
