/**
 * Scripted model sessions for end-to-end tests: a responder for the fake
 * LM Studio server that plays planner, coder and reviewer from a table of
 * files per task.
 *
 * @module
 */
import type { ChatBody, Reply, Respond } from "../fake_server/server.ts";

/** Model keys used by the end-to-end tests (all distinct, so every phase swaps). */
export const KEYS = {
  planner: "qwen_qwen3.5-35b-a3b",
  coder: "qwen/qwen3-coder-30b",
  reviewer: "deepseek-r1-distill-qwen-32b",
} as const;

/** One task of a scripted plan. */
export interface ScriptedTask {
  title: string;
  file: string;
  content: string;
  dependencies?: string[];
  /** Reviewer rejects the first N reviews of this task. */
  rejectTimes?: number;
  /** Requirement ids the architect assigns to this task. */
  deliverables?: string[];
  /** Phase the architect assigns to this task. */
  phase?: string;
}

function lastUser(body: ChatBody): string {
  const msgs = body.messages ?? [];
  for (let i = msgs.length - 1; i >= 0; i--) {
    const m = msgs[i]!;
    if (m.role === "user" && typeof m.content === "string") return m.content;
  }
  return "";
}

function firstUser(body: ChatBody): string {
  const m = (body.messages ?? []).find((x) => x.role === "user");
  return typeof m?.content === "string" ? m.content : "";
}

/** Options of {@linkcode scriptedSession}. */
export interface SessionOptions {
  /** The planner's first answer is malformed (then repaired). */
  malformedArchitectOnce?: boolean;
  /** Wrap the architect JSON in prose and a think block, like small models do. */
  chattyArchitect?: boolean;
}

/** A responder for planner/coder/reviewer of `tasks`. */
export function scriptedSession(tasks: ScriptedTask[], opts: SessionOptions = {}): Respond & {
  reviews: Map<string, number>;
} {
  const reviews = new Map<string, number>();
  let architectCalls = 0;
  const architectJson = JSON.stringify(
    tasks.map((t) => ({
      title: t.title,
      description: `Implement ${t.file}: ${t.title}.`,
      file_paths: [t.file],
      dependencies: t.dependencies ?? [],
      deliverable_ids: t.deliverables ?? [],
      phase: t.phase ?? null,
    })),
  );
  const respond = (body: ChatBody): Reply => {
    const model = String(body.model ?? "");
    if (model === KEYS.planner) {
      architectCalls++;
      if (opts.malformedArchitectOnce && architectCalls === 1) {
        return { content: `Here are the tasks:\n[{"title": "${tasks[0]!.title}", "description": ` };
      }
      const content = opts.chattyArchitect
        ? `<think>Let me split the plan.</think>Sure! Here is the plan:\n\`\`\`json\n${architectJson}\n\`\`\`\nHope this helps.`
        : architectJson;
      return { content };
    }
    if (model === KEYS.coder) {
      const task = tasks.find((t) => firstUser(body).includes(`## Task: ${t.title}\n`));
      if (!task) return { content: "I do not know this task." };
      const msgs = body.messages ?? [];
      const last = msgs[msgs.length - 1];
      if (last?.role === "tool") return { content: `Wrote ${task.file}.` };
      return {
        toolCalls: [{ name: "file_write", arguments: { path: task.file, content: task.content } }],
      };
    }
    if (model === KEYS.reviewer) {
      const task = tasks.find((t) =>
        lastUser(body).includes(`## Task Specification: ${t.title}\n`)
      );
      if (!task) {
        return { content: '{"verdict": "REJECTED", "findings": [], "summary": "unknown task"}' };
      }
      const n = (reviews.get(task.title) ?? 0) + 1;
      reviews.set(task.title, n);
      if (n <= (task.rejectTimes ?? 0)) {
        return {
          content: JSON.stringify({
            verdict: "REJECTED",
            findings: [{
              severity: "major",
              file_path: task.file,
              issue_class: "missing_behaviour",
              message: `review ${n}: edge case not handled`,
              fix_hint: "handle it",
            }],
            summary: "needs work",
          }),
        };
      }
      return {
        content: JSON.stringify({ verdict: "APPROVED", findings: [], summary: "looks good" }),
      };
    }
    return { error: { status: 404, body: { error: `unknown model ${model}` } } };
  };
  return Object.assign(respond, { reviews });
}

/** The example plan's scripted implementation (greeting module + tests). */
export const EXAMPLE_TASKS: ScriptedTask[] = [
  {
    title: "Greeting library",
    file: "greeting/__init__.py",
    content: [
      '"""A tiny greeting library."""',
      "",
      "",
      "def greet(name: str) -> str:",
      '    """Return a greeting for ``name``; a blank name greets the world."""',
      "    cleaned = name.strip()",
      "    return f\"Hello, {cleaned or 'world'}!\"",
      "",
    ].join("\n"),
  },
  {
    title: "Greeting tests",
    file: "tests/test_greeting.py",
    dependencies: ["Greeting library"],
    content: [
      "import unittest",
      "",
      "from greeting import greet",
      "",
      "",
      "class GreetTest(unittest.TestCase):",
      "    def test_name(self):",
      '        self.assertEqual(greet("Ada"), "Hello, Ada!")',
      "",
      "    def test_blank_name(self):",
      '        self.assertEqual(greet("   "), "Hello, world!")',
      "",
      "    def test_whitespace(self):",
      '        self.assertEqual(greet("  Ada "), "Hello, Ada!")',
      "",
      "",
      'if __name__ == "__main__":',
      "    unittest.main()",
      "",
    ].join("\n"),
  },
];

const py = (name: string) => `def ${name}():\n    return "${name}"\n`;

/** A 10-task plan: a chain a→b→c→d, two branches e→f and g→h→i, and j rejected once. */
export const TEN_TASKS: ScriptedTask[] = [
  { title: "Task a", file: "pkg/a.py", content: py("a") },
  { title: "Task b", file: "pkg/b.py", content: py("b"), dependencies: ["Task a"] },
  { title: "Task c", file: "pkg/c.py", content: py("c"), dependencies: ["Task b"] },
  { title: "Task d", file: "pkg/d.py", content: py("d"), dependencies: ["Task c"] },
  { title: "Task e", file: "pkg/e.py", content: py("e") },
  { title: "Task f", file: "pkg/f.py", content: py("f"), dependencies: ["Task e"] },
  { title: "Task g", file: "pkg/g.py", content: py("g") },
  { title: "Task h", file: "pkg/h.py", content: py("h"), dependencies: ["Task g"] },
  { title: "Task i", file: "pkg/i.py", content: py("i"), dependencies: ["Task h"] },
  { title: "Task j", file: "pkg/j.py", content: py("j"), rejectTimes: 1 },
];

/** The markdown plan of {@linkcode TEN_TASKS}. */
export const TEN_PLAN = "# Ten tasks\n\n" +
  TEN_TASKS.map((t) => `- ${t.title}: ${t.file}`).join("\n") +
  "\n";

/** A one-function Python file, for scripted tasks. */
export { py };
