/**
 * `lao health`: server reachability and latency, backend kind and version,
 * each role's model (with a suggestion when missing), what is loaded, memory
 * now. Never loads a model. Exit 0 only when everything needed to run is there.
 *
 * @module
 */
import { ExitCode } from "../../errors.ts";
import { checkServer } from "../../models/check_server.ts";
import { formatHealth, healthVerdict } from "../../models/health.ts";
import { slotsFlag } from "../../models/servers.ts";
import { formatServers, serversHealth } from "../../models/servers_health.ts";
import { defaultMemoryProbe } from "../../models/memory/probe.ts";
import type { CliContext } from "../context.ts";
import { probeSandbox, realProbeDeps, type SandboxBackend } from "../../sandbox/probe.ts";
import { expandHome } from "../../config/load_core.ts";
import { toolchainWarning } from "../runtime.ts";
import { sandboxStatusLine } from "../../sandbox/status.ts";

/** Runs `lao health`. */
export async function healthCommand(ctx: CliContext, opts: { json?: boolean }): Promise<number> {
  const { config } = ctx.loaded;
  const probe = await defaultMemoryProbe().catch(() => undefined);
  const report = await checkServer(config, probe ? { probe } : {});
  const slots = slotsFlag(ctx.globals.slots);
  const servers = config.servers.length || slots ? await serversHealth(config, slots) : null;
  const shell = config.tools.shell;
  const sandboxBackend: SandboxBackend = shell.sandbox === "off"
    ? { kind: "none", reason: "tools.shell.sandbox is off" }
    : await probeSandbox(realProbeDeps());
  const sandbox = sandboxStatusLine({
    backend: sandboxBackend,
    mode: shell.sandbox,
    network: shell.network,
  });
  const toolchains = sandboxBackend.kind === "none"
    ? null
    : toolchainWarning(shell.home_allow.map((p) => expandHome(p, ctx.deps.env)));
  if (opts.json) {
    ctx.out.out(
      JSON.stringify(
        {
          ...report,
          ...(servers ? { servers } : {}),
          sandbox,
          ...(toolchains ? { sandbox_hint: toolchains } : {}),
        },
        null,
        2,
      ),
    );
  } else {
    // Checks in order (server, models, memory, sandbox), then the verdict; each fix once, on stderr.
    for (const line of formatHealth(report).split("\n")) ctx.out.out(line);
    for (const line of formatServers(servers ?? [])) ctx.out.out(line);
    if (config.total_ram_gb !== null) {
      ctx.out.out(`RAM      ${config.total_ram_gb} GB (total_ram_gb, informational)`);
    }
    ctx.out.out(sandbox);
    if (toolchains) ctx.out.out(`  ${toolchains}`);
    ctx.out.out(healthVerdict(report));
    for (const hint of report.hints) ctx.out.err(`lao: ${hint}`);
  }
  return report.ok ? ExitCode.Ok : ExitCode.Failure;
}
