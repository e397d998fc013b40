import assert from "node:assert/strict";
import { join } from "node:path";
import { cl100k } from "../llm/tokens.ts";
import { writeCodeBase } from "../../tests/existing_repo/map_fixture.ts";
import { loadMap, mapCachePath, mapSlice, refreshMap } from "./cache.ts";
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

Deno.test("the map of 120 files in five languages is deterministic, within budget and ranked towards what the plan names", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lao_map_" });
  try {
    // About twice the 1,500-token budget below, so the rendered map is a ranked part of it.
    await writeCodeBase(dir, 120);
    const count = await cl100k();
    const a = await updateMap(dir);
    const b = await updateMap(dir);
    assert.equal(a.stats.files, 120);
    const focus = { text: "Change fn_42 so it logs, see src/m0/f3.rs" };
    const one = renderMap(a.map, focus, 1500, count);
    const two = renderMap(b.map, focus, 1500, count);
    assert.equal(one.text, two.text);
    assert.ok(one.tokens <= 1500, `${one.tokens} tokens`);
    assert.ok(one.files > 5 && one.files < 120 / 2, `${one.files} files`);
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

Deno.test("after a commit the cached map is refreshed for the changed files only; a slice fits its budget", async () => {
  const config = await Deno.makeTempDir({ prefix: "lao_mapcfg_" });
  const dir = await Deno.makeTempDir({ prefix: "lao_map_" });
  try {
    await writeCodeBase(dir, 40);
    const count = await cl100k();
    assert.equal((await refreshMap(config, dir, ["src/m0/f1.ts"])).files, 0, "no map yet");
    const slice = await mapSlice(config, dir, { files: ["src/m0/f1.ts"] }, 200, count);
    assert.ok(slice.startsWith("Code map") && count(slice) <= 200, slice);
    assert.match(slice, /^src\/m0\/f1\.ts:$/m);
    assert.equal(await mapSlice(config, dir, { files: ["src/m0/f1.ts"] }, 10, count), "");

    await Deno.writeTextFile(join(dir, "src/m0/f1.ts"), "export function renamed() {}\n");
    await Deno.remove(join(dir, "src/m0/f2.go"));
    const stats = await refreshMap(config, dir, ["src/m0/f1.ts", "src/m0/f2.go"]);
    assert.deepEqual(stats, { files: 2, read: 1, extracted: 1 });
    const cached = await loadMap(mapCachePath(config, dir));
    assert.deepEqual(cached.files["src/m0/f1.ts"]!.symbols.definitions.map((d) => d.name), [
      "renamed",
    ]);
    assert.equal(cached.files["src/m0/f2.go"], undefined);
    assert.equal(Object.keys(cached.files).length, 39);
  } finally {
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(config, { recursive: true });
  }
});
