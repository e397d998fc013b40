/**
 * A/B of the background commit queue (issue 12) on the ten-task plan, in
 * one process, rounds interleaved so the machine's load hits all three
 * alike: commits queued (the default), committed inline (the port without
 * its queue methods, as a lane's serialized git is), and git off. Prints the
 * orchestration overhead per task (median, min, max).
 * Usage: `deno run -P=lao-test bench/git_queue_bench.ts [rounds]` (default 5).
 *
 * @module
 */
import { PlanGit } from "../src/git/commits.ts";
import { runScenario, scenarios } from "./pipeline_bench.ts";
import { stat } from "./stats.ts";

type Queueing = Pick<PlanGit, "queueCoder" | "queueReview">;

const proto = PlanGit.prototype as Partial<Queueing>;
const queued: Queueing = { queueCoder: proto.queueCoder!, queueReview: proto.queueReview! };
const ten = (await scenarios()).ten;
const rounds = Number(Deno.args[0] ?? 5);
const modes = ["queued", "inline", "git off"] as const;
const runs: Record<(typeof modes)[number], number[]> = { queued: [], inline: [], "git off": [] };
for (let i = 0; i < rounds; i++) {
  for (const mode of modes) {
    proto.queueCoder = mode === "queued" ? queued.queueCoder : undefined;
    proto.queueReview = mode === "queued" ? queued.queueReview : undefined;
    const run = await runScenario(ten, (c) => {
      if (mode === "git off") c.git.enabled = false;
    });
    runs[mode].push(run.overheadPerTaskMs);
  }
}
Object.assign(proto, queued);
for (const mode of modes) {
  const s = stat(runs[mode]);
  console.log(
    `${mode.padEnd(8)} ${s.median.toFixed(1)} ms per task (${s.min.toFixed(1)}-${
      s.max.toFixed(1)
    }, ${s.runs} runs)`,
  );
}
