/**
 * Issue 16, the sandbox's view from a task's copy of the plan workspace (no
 * git): the copy lives under `.lao/task-copies/`, yet a command run with the
 * copy as its workspace sees and writes only the copy: not the plan
 * workspace it was made from, not another task's copy, not `.lao/` or the
 * config folder.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { probeSandbox, realProbeDeps } from "../../src/sandbox/probe.ts";
import { ShellRunner } from "../../src/sandbox/shell.ts";
import { sandboxStatusLine } from "../../src/sandbox/status.ts";
import { taskCopies } from "../../src/worktree/task_copies.ts";

const backend = await probeSandbox(realProbeDeps());

Deno.test({
  name: "task copy (bwrap): the task's shell sees its copy only, never the plan workspace or .lao/",
  ignore: backend.kind !== "bwrap",
  fn: async () => {
    // Outside /tmp, so the private /tmp is not what hides it.
    const tmp = await Deno.stat("/var/tmp").then(() => "/var/tmp", () => undefined);
    const base = await Deno.realPath(
      await Deno.makeTempDir({ prefix: "lao_copy_view_", dir: tmp }),
    );
    try {
      const workspace = join(base, "plan");
      await Deno.mkdir(join(base, ".lao"), { recursive: true });
      await Deno.writeTextFile(join(base, ".lao", "state.db"), "SQLITE-SECRET");
      await Deno.writeTextFile(join(base, "factory.yaml"), "openai_api_key: sk-COPY-KEY\n");
      await Deno.mkdir(workspace);
      await Deno.writeTextFile(join(workspace, "a.py"), "A = 0\n");
      const copies = taskCopies(base, (_ws, call) => call(), { taskStatus: () => "coding" });
      const plan = { stem: "plan", workspace };
      const mine = (await copies.open(plan, 1))!;
      const other = (await copies.open(plan, 2))!;
      await Deno.writeTextFile(join(other, "a.py"), "A = OTHER-TASK\n");
      const runner = new ShellRunner({
        root: mine,
        backend,
        network: false,
        statusLine: sandboxStatusLine({ backend, mode: "auto", network: false }),
        hidden: [base, join(base, ".lao")],
        killGraceMs: 200,
      });
      const r = await runner.run({
        command: `cat a.py; cat '${workspace}/a.py' '${other}/a.py' '${base}/.lao/state.db' ` +
          `'${base}/factory.yaml' ../2/a.py; echo B > '${workspace}/b.py'; echo mine > c.py; ` +
          `ls -a '${base}' '${base}/.lao' ..`,
        timeoutMs: 20_000,
      });
      assert.match(r.output, /^A = 0$/m, r.output);
      assert.doesNotMatch(r.output, /OTHER-TASK|SQLITE-SECRET|COPY-KEY/);
      // Only the empty folders on the way to the copy (its mount point) show, nothing in them.
      assert.doesNotMatch(r.output, /^(plan|factory\.yaml|state\.db|2)$/m, r.output);
      assert.equal(await Deno.readTextFile(join(mine, "c.py")), "mine\n");
      await assert.rejects(Deno.lstat(join(workspace, "b.py")), Deno.errors.NotFound);
      assert.equal(await Deno.readTextFile(join(workspace, "a.py")), "A = 0\n");
    } finally {
      await Deno.remove(base, { recursive: true });
    }
  },
});
