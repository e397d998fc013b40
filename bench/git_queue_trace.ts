/**
 * Timeline of one ten-task run with git on (issue 12): each git process
 * (spawn to exit), each queued commit job (start to end, and when it was
 * queued), each inline commit call and each `settle()` wait longer than
 * 0.05 ms (which paths, who asked), in ms from the run's start; then the
 * totals. `inline` makes the commits without the queue.
 * Usage: `deno run -P=lao-test bench/git_queue_trace.ts [inline]`.
 *
 * @module
 */
import { CommitQueue } from "../src/git/commit_queue.ts";
import { PlanGit } from "../src/git/commits.ts";
import { GitRunner } from "../src/git/runner.ts";
import { runScenario, scenarios } from "./pipeline_bench.ts";

type Span = { what: string; start: number; end: number };
const spans: Span[] = [];
let t0 = 0;
const now = () => performance.now() - t0;

const run = GitRunner.prototype.run;
GitRunner.prototype.run = async function (args, options) {
  const start = now();
  const sub = args.find((a) => !a.startsWith("-")) ?? "?";
  try {
    return await run.call(this, args, options);
  } finally {
    spans.push({ what: `git ${sub}`, start, end: now() });
  }
};
const enqueue = CommitQueue.prototype.enqueue;
CommitQueue.prototype.enqueue = function (files, job) {
  const queuedAt = now();
  return enqueue.call(this, files, async () => {
    const start = now();
    try {
      await job();
    } finally {
      spans.push({
        what: `job ${files?.join(",") ?? "replay"} (queued ${queuedAt.toFixed(1)})`,
        start,
        end: now(),
      });
    }
  });
};
const settle = PlanGit.prototype.settle;
PlanGit.prototype.settle = async function (paths) {
  const start = now();
  const caller = new Error().stack?.split("\n").slice(2, 5).map((l) =>
    l.trim().replace(/^at /, "").replace(/file:\/\/\/work\/main\//, "")
  ).join(" < ");
  await settle.call(this, paths);
  const end = now();
  if (end - start > 0.05) {
    spans.push({ what: `SETTLE ${paths?.join(",") ?? "all"} by ${caller}`, start, end });
  }
};
for (
  const name of [
    "commitPlanSnapshot",
    "commitArchitect",
    "commitReport",
    "commitCoder",
    "commitReview",
  ] as const
) {
  const f = PlanGit.prototype[name] as (...a: unknown[]) => Promise<unknown>;
  (PlanGit.prototype as unknown as Record<string, unknown>)[name] = async function (
    this: PlanGit,
    ...a: unknown[]
  ) {
    const start = now();
    try {
      return await f.apply(this, a);
    } finally {
      spans.push({ what: `INLINE ${name}`, start, end: now() });
    }
  };
}
if (Deno.args[0] === "inline") {
  const proto = PlanGit.prototype as unknown as Record<string, unknown>;
  proto.queueCoder = undefined;
  proto.queueReview = undefined;
}

const ten = (await scenarios()).ten;
await runScenario(ten); // warm-up
spans.length = 0;
t0 = performance.now();
const result = await runScenario(ten, () => {
  t0 = performance.now();
});
spans.sort((a, b) => a.start - b.start);
for (const s of spans) {
  console.log(
    `${s.start.toFixed(1).padStart(7)} ${s.end.toFixed(1).padStart(7)} ${
      (s.end - s.start).toFixed(1).padStart(6)
    }  ${s.what}`,
  );
}
const sum = (f: (s: Span) => boolean) => spans.filter(f).reduce((a, s) => a + s.end - s.start, 0);
console.log(
  `wall ${result.wallMs.toFixed(0)} model ${result.modelMs.toFixed(0)} overhead/task ${
    result.overheadPerTaskMs.toFixed(1)
  }`,
);
console.log(
  `git processes ${spans.filter((s) => s.what.startsWith("git ")).length}, ${
    sum((s) => s.what.startsWith("git ")).toFixed(0)
  } ms`,
);
console.log(
  `jobs ${sum((s) => s.what.startsWith("job ")).toFixed(0)} ms, settles ${
    sum((s) => s.what.startsWith("SETTLE")).toFixed(0)
  } ms, inline ${sum((s) => s.what.startsWith("INLINE")).toFixed(0)} ms`,
);
