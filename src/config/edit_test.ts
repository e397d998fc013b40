import assert from "node:assert/strict";
import { join } from "node:path";
import { editYamlFile, editYamlText } from "./edit.ts";

const FILE = `# My LAO settings
lm_studio_base_url: http://127.0.0.1:1234 # my box

models:
  # the big one
  coder:
    key: old-coder   # keep this comment
    context_length: 32768
  reviewer:
    key: rev
`;

Deno.test("editing a role key changes only that value and keeps every comment", () => {
  const out = editYamlText(FILE, [{ path: ["models", "coder", "key"], value: "new-coder" }]);
  assert.equal(out, FILE.replace("old-coder", "new-coder"));
});

Deno.test("new keys and sections are added; a null section becomes a mapping", () => {
  const out = editYamlText("# top\nmodels:\n", [
    { path: ["models", "pilot", "key"], value: "p" },
    { path: ["total_ram_gb"], value: 23 },
  ]);
  assert.match(out, /^# top$/m);
  assert.match(out, /pilot:\n\s+key: p/);
  assert.match(out, /^total_ram_gb: 23$/m);
});

Deno.test("a malformed file is refused in one line and not rewritten", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "factory.yaml");
  await Deno.writeTextFile(path, "models: [unclosed\n");
  await assert.rejects(
    () => editYamlFile(path, [{ path: ["models", "coder", "key"], value: "x" }]),
    /Cannot edit/,
  );
  assert.equal(await Deno.readTextFile(path), "models: [unclosed\n");
  await Deno.writeTextFile(path, FILE);
  await editYamlFile(path, [{ path: ["models", "reviewer", "key"], value: "r2" }]);
  assert.equal(await Deno.readTextFile(path), FILE.replace("key: rev", "key: r2"));
  await Deno.remove(dir, { recursive: true });
});
