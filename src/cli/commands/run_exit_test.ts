import assert from "node:assert/strict";
import { ExitCode } from "../../errors.ts";
import { runExit } from "./run_exit.ts";

const none = { failedTasks: 0, undecomposed: [] };

Deno.test("runExit(): an interrupted run exits 130 and prints nothing more", () => {
  assert.deepEqual(runExit({ interrupted: true, infraError: "down" }, true, none), {
    code: ExitCode.Interrupted,
  });
});

Deno.test("runExit(): a run handed over to the Pilot exits 0 and says how to come back", () => {
  assert.deepEqual(runExit({ interrupted: false }, true, { failedTasks: 2, undecomposed: [] }), {
    code: ExitCode.Ok,
    out: "Queue idle → Pilot (/resume runs the queue again, /exit leaves)",
  });
});

Deno.test("runExit(): a run stopped by an outage exits 1 with the server's error", () => {
  assert.deepEqual(runExit({ interrupted: false, infraError: "connection refused" }, true, none), {
    code: ExitCode.Failure,
    err: "lao: stopped: the model server stayed unavailable (connection refused)",
  });
});

Deno.test("runExit(): failed tasks and undecomposed plans exit 1 with one line naming both", () => {
  assert.deepEqual(
    runExit({ interrupted: false }, false, { failedTasks: 2, undecomposed: ["a.md", "b.md"] }),
    {
      code: ExitCode.Failure,
      err: "lao: 2 task(s) failed; a.md, b.md could not be decomposed: " +
        "see lao status, then lao retry-failed or edit the plan",
    },
  );
  assert.deepEqual(runExit({ interrupted: false }, false, none), { code: ExitCode.Ok });
});
