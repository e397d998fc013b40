/**
 * The Pilot's project commands (`/project list|scan|use|status` and intent
 * switching) over the project registry.
 *
 * @module
 */
import { bindProject, type PilotBinding } from "../../pilot/binding.ts";
import type { ProjectPort } from "../../pilot/session.ts";
import { type ProjectRegistry, workLabel } from "../../projects/registry.ts";
import type { CliContext } from "../context.ts";

/** The registered projects (`nameOrPath` omitted, `*` marks `b`'s), or one project's details. */
export function projectStatusText(
  reg: ProjectRegistry,
  b: PilotBinding,
  nameOrPath?: string,
): string {
  if (!nameOrPath) {
    reg.refresh();
    const list = reg.list();
    if (!list.length) return "No projects registered yet: /project scan DIR finds them.";
    return list.map((p) =>
      `${p.path === b.configDir ? "* " : "  "}${p.name}: ${
        workLabel(p)
      }, ${p.plans_count} plan(s) — ${p.path}`
    ).join("\n");
  }
  const p = reg.get(nameOrPath) ?? reg.match(nameOrPath)[0];
  if (!p) return `ERROR: project "${nameOrPath}" is not registered (try /project scan)`;
  reg.add(p.path);
  return [
    `Project ${p.name}`,
    `  path: ${p.path}`,
    `  config: ${p.has_config ? "yes" : "no"}`,
    `  plans: ${p.plans_count}`,
    `  pending: ${p.pending_tasks}, failed: ${p.failed_tasks}`,
    `  last used: ${p.last_used}`,
  ].join("\n");
}

function failure(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * The project port: `use` binds the project, then hands the binding to
 * `onSwitch` (which returns a line about its models, or throws to refuse).
 */
export function projectPort(
  ctx: CliContext,
  reg: ProjectRegistry,
  onSwitch: (b: PilotBinding) => Promise<string>,
): ProjectPort {
  let current: PilotBinding | undefined;
  const status = (x?: string) =>
    projectStatusText(reg, current ?? ({ configDir: "" } as PilotBinding), x);
  return {
    list: () => Promise.resolve(status()),
    scan: async (dir) => {
      const found = reg.scan(dir ?? ctx.deps.cwd);
      await reg.save();
      return `Found ${found.length} project(s)${found.length ? ":\n" : "."}${
        found.map((p) => `  ${p.name}: ${workLabel(p)} — ${p.path}`).join("\n")
      }`;
    },
    status: (x) => Promise.resolve(status(x)),
    use: async (x) => {
      let hit = reg.get(x);
      if (!hit) {
        const matches = reg.match(x);
        if (matches.length > 1) {
          return `Multiple projects match "${x}": ${
            matches.map((m) => m.name).join(", ")
          }. Which one?`;
        }
        hit = matches[0] ?? reg.use(x);
      }
      if (!hit) return `Project "${x}" not found. Try /project scan DIR, then /project use NAME.`;
      let next: PilotBinding;
      try {
        next = bindProject(hit.path, { env: ctx.deps.env });
      } catch (err) {
        return `Cannot switch to ${hit.name}: ${failure(err)}`;
      }
      if (!next.store) {
        return `Cannot switch to ${hit.name}: it has no factory.yaml (run lao init there)`;
      }
      let models: string;
      try {
        models = await onSwitch(next);
      } catch (err) {
        next.store.close();
        return `Cannot switch to ${hit.name}: ${failure(err)}`;
      }
      reg.use(hit.path);
      await reg.save();
      current = next;
      return `Switched to project ${hit.name} (${hit.path}): ${workLabel(hit)}; ${models}.`;
    },
  };
}
