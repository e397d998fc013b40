/**
 * A/B of the background commit queue (issue 12) on the ten-task plan, in
 * one process, rounds interleaved so the machine's load hits all three
 * alike: commits queued (the default), committed inline (the port without
 * its queue methods, as a lane's serialized git is), and git off. Prints,
 * per mode, the orchestration overhead per task (wall minus model time) and
 * LAO's own CPU per task (user + system of this process, all its threads,
 * not git's: the glue around each git call shows as queued or inline minus
 * git off), each as median (min-max).
 * Usage: `deno run -P=lao-test bench/git_queue_bench.ts [rounds]` (default 5).
 *
 * @module
 */
import { cpuUsage } from "node:process";
import { PlanGit } from "../src/git/commits.ts";
import { runScenario, scenarios } from "./pipeline_bench.ts";
import { type Stat, stat } from "./stats.ts";

type Queueing = Pick<PlanGit, "queueCoder" | "queueReview">;

const proto = PlanGit.prototype as Partial<Queueing>;
const queued: Queueing = { queueCoder: proto.queueCoder!, queueReview: proto.queueReview! };
const ten = (await scenarios()).ten;
const rounds = Number(Deno.args[0] ?? 5);
const modes = ["queued", "inline", "git off"] as const;
type Mode = (typeof modes)[number];
const overhead: Record<Mode, number[]> = { queued: [], inline: [], "git off": [] };
const cpu: Record<Mode, number[]> = { queued: [], inline: [], "git off": [] };
const cpuMs = () => {
  const u = cpuUsage();
  return (u.user + u.system) / 1000;
};
for (let i = 0; i < rounds; i++) {
  for (const mode of modes) {
    proto.queueCoder = mode === "queued" ? queued.queueCoder : undefined;
    proto.queueReview = mode === "queued" ? queued.queueReview : undefined;
    const before = cpuMs();
    const run = await runScenario(ten, (c) => {
      if (mode === "git off") c.git.enabled = false;
    });
    cpu[mode].push((cpuMs() - before) / Math.max(1, run.tasks));
    overhead[mode].push(run.overheadPerTaskMs);
  }
}
Object.assign(proto, queued);
const shown = (s: Stat) => `${s.median.toFixed(1)} (${s.min.toFixed(1)}-${s.max.toFixed(1)})`;
for (const mode of modes) {
  const o = stat(overhead[mode]);
  console.log(
    `${mode.padEnd(8)} overhead ${shown(o)} ms per task, LAO CPU ${
      shown(stat(cpu[mode]))
    } ms per task, ${o.runs} runs`,
  );
}
