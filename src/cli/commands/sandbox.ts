/**
 * `lao sandbox check`: live self-tests of the shell sandbox (writes outside and
 * through a planted symlink, host files: hidden home, config folder,
 * `/etc/shadow`; TCP and unix sockets; `.git` tamper and `git init`; each
 * limit: processes, memory, file size, workspace growth, timeout; environment
 * leak) as a pass/fail table; non-zero exit on any gap.
 *
 * @module
 */
import { ExitCode, UserError } from "../../errors.ts";
import { checkPassed, formatCheckTable, runSandboxCheck } from "../../sandbox/check.ts";
import { shellLimitsFromConfig } from "../../sandbox/limits.ts";
import { probeSandbox, realProbeDeps } from "../../sandbox/probe.ts";
import { sandboxStatusLine } from "../../sandbox/status.ts";
import type { CliContext } from "../context.ts";

/** Runs `lao sandbox [check]`. */
export async function sandboxCommand(
  ctx: CliContext,
  action: string | undefined,
  opts: { json?: boolean },
): Promise<number> {
  if ((action ?? "check") !== "check") {
    throw new UserError(`Unknown sandbox action "${action}": use check`);
  }
  const network = ctx.loaded.config.tools.shell.network;
  const backend = await probeSandbox(realProbeDeps());
  const statusLine = sandboxStatusLine({ backend, mode: "auto", network });
  const limits = shellLimitsFromConfig(ctx.loaded.config.tools.shell.limits);
  const rows = await runSandboxCheck({ backend, statusLine, network, limits });
  const passed = checkPassed(rows);
  if (opts.json) {
    ctx.out.out(JSON.stringify({ sandbox: statusLine, passed, checks: rows }, null, 2));
  } else {
    ctx.out.out(statusLine);
    for (const line of formatCheckTable(rows).split("\n")) ctx.out.out(line);
    ctx.out.out(passed ? "all checks passed" : "the sandbox has gaps (see FAIL rows)");
  }
  return passed ? ExitCode.Ok : ExitCode.Failure;
}
