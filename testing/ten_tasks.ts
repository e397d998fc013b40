/**
 * The ten-task plan of the in-process pipeline tests, as fake-pipeline
 * tasks: a chain a→b→c→d, two branches e→f and g→h→i, and j rejected once.
 * JavaScript files, so the review's syntax check runs in-process (a `.py`
 * file's would start python3).
 *
 * @module
 */
import type { FakeTask } from "./fake_pipeline.ts";

/** A small JavaScript module whose content names `name`. */
export const jsModule = (name: string): string =>
  `export function ${name}Value() {\n  return "${name}";\n}\n`;

/** The ten tasks. */
export const TEN_FAKE_TASKS: readonly FakeTask[] = [
  { title: "Task a", file: "pkg/a.js", content: jsModule("a") },
  { title: "Task b", file: "pkg/b.js", content: jsModule("b"), dependencies: ["Task a"] },
  { title: "Task c", file: "pkg/c.js", content: jsModule("c"), dependencies: ["Task b"] },
  { title: "Task d", file: "pkg/d.js", content: jsModule("d"), dependencies: ["Task c"] },
  { title: "Task e", file: "pkg/e.js", content: jsModule("e") },
  { title: "Task f", file: "pkg/f.js", content: jsModule("f"), dependencies: ["Task e"] },
  { title: "Task g", file: "pkg/g.js", content: jsModule("g") },
  { title: "Task h", file: "pkg/h.js", content: jsModule("h"), dependencies: ["Task g"] },
  { title: "Task i", file: "pkg/i.js", content: jsModule("i"), dependencies: ["Task h"] },
  { title: "Task j", file: "pkg/j.js", content: jsModule("j"), rejectTimes: 1 },
];

/** The plan text listing the ten tasks. */
export const TEN_FAKE_PLAN = `# Ten tasks\n\n${
  TEN_FAKE_TASKS.map((t) => `- ${t.title}: ${t.file}`).join("\n")
}\n`;
