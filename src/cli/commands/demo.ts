/**
 * `lao demo` (`deno task demo`): runs the example plan end to end in a fresh
 * temporary folder, offline, from the shipped cassette of a scripted model
 * session. Never touches the checkout.
 *
 * @module
 */
import { join } from "node:path";
import examplePlan from "../../../plans/example_plan.md" with { type: "text" };
import cassette from "../../../plans/example_plan.cassette.jsonl" with { type: "text" };
import { CliContext } from "../context.ts";
import { runCommand } from "./run.ts";

/** Runs the demo; returns the exit code. */
export async function demoCommand(ctx: CliContext): Promise<number> {
  const dir = await Deno.makeTempDir({ prefix: "lao-demo-" });
  await Deno.mkdir(join(dir, "plans"), { recursive: true });
  await Deno.mkdir(join(dir, ".lao"), { recursive: true });
  await Deno.writeTextFile(join(dir, "plans", "example_plan.md"), examplePlan);
  const tape = join(dir, ".lao", "example_plan.cassette.jsonl");
  await Deno.writeTextFile(tape, cassette);
  await Deno.writeTextFile(
    join(dir, "factory.yaml"),
    [
      "# Demo settings: a replayed model session, no cooldown between attempts, and no",
      "# shell tool, so the session is the same on every machine.",
      "orchestration:",
      "  retry_cooldown_base_s: 0",
      "tools:",
      "  shell:",
      "    enabled: false",
      "",
    ].join("\n"),
  );
  ctx.out.out(`demo: running plans/example_plan.md in ${dir} (replaying a recorded model session)`);
  const demo = await CliContext.create(
    { ...ctx.deps, cwd: dir },
    { ...ctx.globals, replay: tape, singleRun: true, config: join(dir, "factory.yaml") },
    false,
  );
  try {
    const code = await runCommand(demo, {});
    ctx.out.out("");
    ctx.out.out(`generated code: ${join(dir, "example_plan")}`);
    ctx.out.out(`run summary:    ${join(dir, "example_plan", "LAO_QUALITY.md")}`);
    ctx.out.out(`state:          ${join(dir, ".lao", "state.db")} (try: cd ${dir} && lao status)`);
    return code;
  } finally {
    demo.close();
  }
}
