import assert from "node:assert/strict";
import { join } from "node:path";
import {
  addFile,
  ALLOWED,
  allowedGraph,
  buildGraph,
  checkGraph,
  cycles,
  type Exception,
  type Graph,
  importsOf,
  mermaid,
  withSection,
} from "./check_layers.ts";

const LAYERS = { "(root)": [], events: [], store: ["events"], pipeline: ["store", "events"] };

function graphOf(files: Record<string, string>): Graph {
  const graph: Graph = new Map();
  for (const [path, text] of Object.entries(files)) addFile(graph, path, text);
  return graph;
}

Deno.test("checkGraph() fails on a planted back-edge and names the file", () => {
  const graph = graphOf({
    "pipeline/run.ts": 'import { Store } from "../store/store.ts";',
    "store/store.ts": 'import type { E } from "../events/types.ts";\n' +
      'import { runPipeline } from "../pipeline/run.ts";',
    "events/types.ts": 'import { ExitCode } from "../errors.ts";',
  });
  assert.deepEqual(checkGraph(graph, LAYERS, []).map((p) => p.message), [
    "src/store/store.ts imports src/pipeline/, but store may not depend on pipeline",
  ]);
  assert.deepEqual(cycles(graph), [["pipeline", "store"]]);
});

Deno.test("checkGraph() excuses an exception's listed files only, and reports it once stale", () => {
  const exception: Exception = {
    name: "store-calls-pipeline",
    from: "store",
    to: "pipeline",
    files: ["src/store/store.ts"],
    reason: "test",
  };
  const excused = graphOf({ "store/store.ts": 'import "../pipeline/run.ts";' });
  assert.deepEqual(checkGraph(excused, LAYERS, [exception]), []);
  const spread = graphOf({
    "store/store.ts": 'import "../pipeline/run.ts";',
    "store/other.ts": 'export * from "../pipeline/run.ts";',
  });
  assert.deepEqual(checkGraph(spread, LAYERS, [exception]).map((p) => p.message), [
    "src/store/other.ts imports src/pipeline/, but store may not depend on pipeline",
  ]);
  const fixed = graphOf({ "store/store.ts": 'import "../events/types.ts";' });
  assert.deepEqual(checkGraph(fixed, LAYERS, [exception]).map((p) => p.kind), ["stale"]);
});

Deno.test("checkGraph() asks for a new folder to be declared", () => {
  const graph = graphOf({ "brand_new/x.ts": 'import "../store/store.ts";' });
  assert.deepEqual(checkGraph(graph, LAYERS, []).map((p) => p.message), [
    "src/brand_new/ is not declared: add it with the folders it may import to ALLOWED in " +
    "tools/check_layers.ts",
  ]);
});

Deno.test("the allowed edges form no cycle", () => {
  assert.deepEqual(cycles(allowedGraph(ALLOWED)), []);
});

Deno.test("importsOf() reads static, type, re-export, dynamic and text imports, not comments", () => {
  const text = [
    'import { a } from "./a.ts";',
    'import type { B } from "../store/b.ts";',
    'export { c } from "../parse/c.ts";',
    'const d = await import("../llm/d.ts");',
    'import prompt from "./prompts/p.md" with { type: "text" };',
    'import { z } from "zod";',
    '// import { gone } from "../ui/gone.ts";',
  ].join("\n");
  assert.deepEqual(importsOf("agents/x.ts", text), [
    "agents/a.ts",
    "store/b.ts",
    "parse/c.ts",
    "llm/d.ts",
    "agents/prompts/p.md",
  ]);
});

Deno.test("buildGraph() reads a source tree and skips test files", async () => {
  const root = await Deno.makeTempDir({ prefix: "lao_layers_" });
  try {
    await Deno.mkdir(join(root, "src", "store"), { recursive: true });
    await Deno.mkdir(join(root, "src", "pipeline"), { recursive: true });
    await Deno.writeTextFile(join(root, "src", "store", "s.ts"), 'import "../pipeline/p.ts";');
    await Deno.writeTextFile(join(root, "src", "store", "s_test.ts"), 'import "../ui/u.ts";');
    await Deno.writeTextFile(join(root, "src", "pipeline", "p.ts"), "export {};");
    const graph = await buildGraph(root);
    assert.deepEqual(checkGraph(graph, LAYERS, []).map((p) => p.message), [
      "src/store/s.ts imports src/pipeline/, but store may not depend on pipeline",
    ]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("mermaid() dashes excused edges and withSection() replaces only the marked section", () => {
  const graph = graphOf({
    "store/s.ts": 'import "../pipeline/p.ts";\nimport "../errors.ts";',
    "pipeline/p.ts": 'import "../store/s.ts";',
  });
  const x: Exception = { name: "tmp", from: "store", to: "pipeline", files: [], reason: "r" };
  assert.equal(
    mermaid(graph, [x]),
    "```mermaid\nflowchart TD\n  pipeline --> store\n  store -. tmp .-> pipeline\n```",
  );
  const first = withSection("# Doc\n\nText.\n", "graph v1");
  assert.match(first, /^# Doc\n\nText\.\n\n## Folder dependencies\n\n<!-- check_layers:begin/);
  const second = withSection(first.replace("Text.", "Edited text."), "graph v2");
  assert.ok(second.includes("Edited text.") && second.includes("graph v2"));
  assert.ok(!second.includes("graph v1"));
  assert.equal(second.split("## Folder dependencies").length, 2);
});
