import assert from "node:assert/strict";
import { join } from "node:path";
import { CODE_MAP_HEADING, coderBudget } from "../../src/agents/coder.ts";
import { loadMap, mapCachePath } from "../../src/codemap/cache.ts";
import { cl100k } from "../../src/llm/tokens.ts";
import { CODER_MAP_SHARE } from "../../src/phases/code.ts";
import { runPipeline } from "../../src/pipeline/run.ts";
import { worktreeRoot } from "../../src/worktree/paths.ts";
import type { ChatBody } from "../fake_server/server.ts";
import { harness } from "../pipeline/harness.ts";
import { KEYS, scriptedSession, type ScriptedTask } from "../pipeline/scripted.ts";
import { git, writeFiles } from "./fixture.ts";
import { writeCodeBase } from "./map_fixture.ts";

const MAIN = "from app.util import helper\n\n\ndef main():\n    return helper() + 1\n";
const PARSER = "def parse_line(text):\n    return text.split()\n";
const PARSER_2 = `${PARSER}\n\ndef parse_all(lines):\n    return [parse_line(x) for x in lines]\n`;
const TASKS: ScriptedTask[] = [
  { title: "Change main", file: "app/main.py", content: MAIN },
  { title: "Add parser", file: "app/parser.py", content: PARSER, dependencies: ["Change main"] },
  {
    title: "Extend parser",
    file: "app/parser.py",
    content: PARSER_2,
    dependencies: ["Add parser"],
  },
];

/** The first user message of each coder task, by task title. */
function coderTaskMessages(bodies: ChatBody[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const b of bodies) {
    if (b?.model !== KEYS.coder) continue;
    const user = String(b.messages?.find((m) => m.role === "user")?.content ?? "");
    const title = /^## Task: ([^\n]*)/.exec(user)?.[1];
    if (title && !out.has(title)) out.set(title, user);
  }
  return out;
}

/** The map section of a task message ("" when there is none). */
function mapSection(message: string): string {
  const at = message.indexOf(`${CODE_MAP_HEADING}\n`);
  if (at < 0) return "";
  const rest = message.slice(at + CODE_MAP_HEADING.length + 1);
  const end = rest.indexOf("\n## ");
  return end < 0 ? rest : rest.slice(0, end);
}

/**
 * A repository on `main`: an app whose main.py uses util.py, and `unrelated`
 * other files. 80 of them make a whole map about twice the coder's map share
 * of the default budget (~1,200 tokens), so the task's map must be a slice.
 */
async function repoWithCode(dir: string, unrelated = 80): Promise<void> {
  await git(dir, "init", "-q", "--initial-branch=main");
  await writeFiles(dir, {
    ".gitignore": ".lao/\n",
    "app/main.py": "from app.util import helper\n\n\ndef main():\n    return helper()\n",
    "app/util.py": "def helper():\n    return 1\n\n\nclass Settings:\n    pass\n",
  });
  await writeCodeBase(dir, unrelated);
  await git(dir, "add", ".");
  await git(dir, "commit", "-q", "-m", "initial");
}

Deno.test("a coder task on existing code gets the map around its target file, within its share of the budget, and the map follows each commit", async () => {
  await using h = await harness(scriptedSession(TASKS));
  await repoWithCode(h.dir);
  await h.addPlan(
    "feat.md",
    "---\nworkspace: .\n---\n# Feature\n\n- main in app/main.py\n- parser in app/parser.py\n",
  );
  await runPipeline(h.deps, { singleRun: true });
  assert.deepEqual(h.store.listTasks().map((t) => t.status), [
    "completed",
    "completed",
    "completed",
  ]);
  const messages = coderTaskMessages(h.server.requests.map((r) => r.body as ChatBody));

  // The target imports `helper` from app/util.py: that file's definitions come first, beside the target.
  const map = mapSection(messages.get("Change main")!);
  assert.ok(map, "the task message has a code map");
  const files = map.split("\n").filter((l) => /^[\w./-]+:$/.test(l)).map((l) => l.slice(0, -1));
  assert.deepEqual(files.slice(0, 2).sort(), ["app/main.py", "app/util.py"], map);
  assert.match(map, /^app\/util\.py:\n {2}1: def helper\(\):\n {2}\d+: class Settings:/m);
  const count = await cl100k();
  const budget = Math.floor(coderBudget(h.config.models.coder) * CODER_MAP_SHARE);
  assert.ok(count(map) <= budget, `${count(map)} tokens > ${budget}`);
  const whole = await loadMap(mapCachePath(h.dir, worktreeRoot(h.dir, "feat")));
  const all = Object.keys(whole.files).length;
  assert.ok(files.length < all / 2, `a slice, not the whole map (${files.length} of ${all} files)`);

  // The next task sees what the previous one committed.
  assert.match(
    mapSection(messages.get("Extend parser")!),
    /^app\/parser\.py:\n {2}1: def parse_line/m,
  );
  // After the last commit the cached map holds the final content (updated incrementally).
  const root = worktreeRoot(h.dir, "feat");
  const cached = await loadMap(mapCachePath(h.dir, root));
  assert.deepEqual(
    cached.files["app/parser.py"]?.symbols.definitions.map((d) => d.name),
    ["parse_line", "parse_all"],
  );
  assert.ok(Object.keys(cached.files).length >= 82);
});

Deno.test("a new-project plan's coder tasks get no code map", async () => {
  await using h = await harness(scriptedSession(TASKS));
  // Code around the plan's folder, as above; how much of it does not matter here.
  await repoWithCode(h.dir, 10);
  await h.addPlan("feat.md", "# Feature\n\n- main in app/main.py\n- parser in app/parser.py\n");
  await runPipeline(h.deps, { singleRun: true });
  const plan = h.store.listPlans()[0]!;
  assert.notEqual(plan.workspace_kind, "worktree");
  const messages = coderTaskMessages(h.server.requests.map((r) => r.body as ChatBody));
  assert.equal(messages.size, 3);
  for (const message of messages.values()) {
    assert.ok(!message.includes(CODE_MAP_HEADING), message);
    assert.ok(!message.includes("Code map"), message);
  }
  assert.equal(
    await Deno.stat(join(h.dir, ".lao", "codemap")).then(() => true, () => false),
    false,
    "no map was built",
  );
});
