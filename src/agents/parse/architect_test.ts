import assert from "node:assert/strict";
import {
  architectResponseFormat,
  type ArchitectTask,
  parseArchitectReply,
  repairPrompt,
} from "./architect.ts";
import { mergeDuplicates, resolveDependencies } from "./architect_deps.ts";

const task = (
  title: string,
  dependencies: string[] = [],
  file_paths = [`${title}.ts`],
): ArchitectTask => ({
  title,
  description: `Build ${title}`,
  file_paths,
  dependencies,
  phase: null,
  deliverable_ids: [],
});

Deno.test("parseArchitectReply() keeps valid tasks and reports each invalid one by index", () => {
  const r = parseArchitectReply(
    '[{"title": "A", "description": "a", "file_paths": ["a"]}, {"title": "B", "file_paths": [3, ""]}, 7]',
  );
  assert.deepEqual(r.tasks.map((t) => t.title), ["A"]);
  assert.deepEqual(r.errors, [
    "Task[1]: description must be a non-empty string",
    "Task[1]: file_paths must be a list of non-empty strings",
    "Task[2]: must be an object",
  ]);
});

Deno.test("parseArchitectReply() reports an empty reply and an empty list", () => {
  assert.deepEqual(parseArchitectReply("  ").errors, ["The reply is empty"]);
  assert.deepEqual(parseArchitectReply("[]").errors, ["The task list is empty"]);
});

Deno.test("repairPrompt() quotes the exact validation errors", () => {
  const text = repairPrompt(["Task[3]: title must be a non-empty string"]);
  assert.match(text, /^Your previous answer/);
  assert.ok(text.includes("- Task[3]: title must be a non-empty string"));
});

Deno.test("architectResponseFormat asks for a json_schema with a tasks array", () => {
  assert.equal(architectResponseFormat.type, "json_schema");
  assert.deepEqual(architectResponseFormat.json_schema.schema.required, ["tasks"]);
});

Deno.test("resolveDependencies() resolves exact, normalised, numbered and near-miss titles", () => {
  const r = resolveDependencies([
    task("Create models"),
    task("Create API", ["create models."]),
    task("Tests", ["Create APIs", "2"]),
  ]);
  assert.deepEqual(r.deps, [[], [0], [1]]);
  assert.deepEqual(r.warnings, [
    'Task "Tests": dependency "Create APIs" matched "Create API"',
    'Task "Tests": dependency "2" matched "Create API"',
  ]);
  assert.deepEqual(r.cycles, []);
});

Deno.test("resolveDependencies() drops unknown and self dependencies with a did-you-mean hint", () => {
  const r = resolveDependencies([
    task("Database layer", ["Database layer"]),
    task("Server", ["Databse setup", "Nope"]),
  ]);
  assert.deepEqual(r.deps, [[], []]);
  assert.deepEqual(r.warnings, [
    'Task "Database layer": dependency on itself dropped',
    'Task "Server": unknown dependency "Databse setup" dropped (did you mean "Database layer"?)',
    'Task "Server": unknown dependency "Nope" dropped',
  ]);
});

Deno.test("resolveDependencies() reports dependency cycles by title", () => {
  const r = resolveDependencies([task("A", ["C"]), task("B", ["A"]), task("C", ["B"]), task("D")]);
  assert.deepEqual(r.cycles, [["A", "B", "C"]]);
});

Deno.test("mergeDuplicates() merges same title and files, unions dependencies and remaps indexes", () => {
  const r = mergeDuplicates([
    task("A"),
    task("B", ["A"]),
    task("a", ["C"], ["A.ts"]),
    task("A", [], ["other.ts"]),
  ]);
  assert.deepEqual(r.tasks.map((t) => [t.title, t.file_paths[0], t.dependencies]), [
    ["A", "A.ts", ["C"]],
    ["B", "B.ts", ["A"]],
    ["A", "other.ts", []],
  ]);
  assert.deepEqual(r.indexMap, [0, 1, 0, 2]);
});
