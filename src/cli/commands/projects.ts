/**
 * `lao projects list|scan [DIR]|add [DIR]|use NAME|remove NAME|needs-action`:
 * the registry of LAO projects in `~/.lao/projects.json`.
 *
 * @module
 */
import { UserError } from "../../errors.ts";
import { ProjectRegistry, registryPath, workLabel } from "../../projects/registry.ts";
import type { Output } from "../../ui/output.ts";
import type { CliContext } from "../context.ts";

/** The home folder the registry lives under. */
export function homeOf(env: (name: string) => string | undefined): string {
  const home = env("HOME") ?? env("USERPROFILE");
  if (!home) throw new UserError("Cannot find the project registry: HOME is not set");
  return home;
}

/** Opens the registry and prints its load warnings. */
export async function openRegistry(ctx: CliContext): Promise<ProjectRegistry> {
  const reg = await ProjectRegistry.open(registryPath(homeOf(ctx.deps.env)));
  for (const w of reg.warnings) ctx.out.err(`warning: ${w}`);
  return reg;
}

/** What a sub-command works with. */
interface Sub {
  ctx: CliContext;
  reg: ProjectRegistry;
  o: Output;
  json: boolean;
  arg: string | undefined;
}

async function listProjects({ reg, o, json }: Sub): Promise<void> {
  reg.refresh();
  await reg.save();
  const list = reg.list();
  const current = reg.current()?.path ?? null;
  if (json) return o.out(JSON.stringify({ current, projects: list }, null, 2));
  if (!list.length) {
    return o.out("No projects registered yet: run `lao projects scan DIR` or `lao projects add`.");
  }
  for (const p of list) {
    o.out(
      `${p.path === current ? "*" : " "} ${p.name.padEnd(20)} ${
        workLabel(p).padEnd(22)
      } ${p.plans_count} plan(s)  ${p.path}`,
    );
  }
}

async function scanProjects({ ctx, reg, o, json, arg }: Sub): Promise<void> {
  const found = reg.scan(arg ?? ctx.deps.cwd);
  await reg.save();
  if (json) return o.out(JSON.stringify({ found }, null, 2));
  o.out(`Found ${found.length} project(s).`);
  for (const p of found) o.out(`  ${p.name}  ${workLabel(p)}  ${p.path}`);
}

async function addProject({ ctx, reg, o, json, arg }: Sub): Promise<void> {
  const p = reg.add(arg ?? ctx.deps.cwd);
  await reg.save();
  o.out(json ? JSON.stringify(p, null, 2) : `Registered ${p.name} (${p.path}).`);
}

async function useProject({ reg, o, json, arg }: Sub): Promise<void> {
  if (!arg) throw new UserError("Usage: lao projects use NAME_OR_PATH");
  const p = reg.use(arg);
  if (!p) {
    throw new UserError(
      `Cannot use project "${arg}": not registered and not a LAO project folder (try lao projects scan DIR)`,
    );
  }
  await reg.save();
  o.out(json ? JSON.stringify(p, null, 2) : `Now using ${p.name} (${p.path}).`);
}

async function removeProject({ reg, o, arg }: Sub): Promise<void> {
  if (!arg) throw new UserError("Usage: lao projects remove NAME_OR_PATH");
  if (!reg.remove(arg)) throw new UserError(`Cannot remove project "${arg}": not registered`);
  await reg.save();
  o.out(`Removed ${arg}.`);
}

async function needsAction({ reg, o, json }: Sub): Promise<void> {
  const list = reg.needsAction();
  await reg.save();
  if (json) {
    return o.out(JSON.stringify(list.map((a) => ({ ...a.project, reason: a.reason })), null, 2));
  }
  if (!list.length) return o.out("No project needs action.");
  for (const a of list) o.out(`${a.project.name.padEnd(20)} ${a.reason}  ${a.project.path}`);
}

/** The sub-commands, by name. */
const SUBCOMMANDS: Readonly<Record<string, (s: Sub) => Promise<void>>> = {
  list: listProjects,
  scan: scanProjects,
  add: addProject,
  use: useProject,
  remove: removeProject,
  "needs-action": needsAction,
};

/** Runs `lao projects SUB [ARG]`. */
export async function projectsCommand(
  ctx: CliContext,
  opts: { json?: boolean },
  args: string[],
): Promise<number> {
  const [sub = "list", arg] = args;
  const reg = await openRegistry(ctx);
  const json = opts.json === true || ctx.globals.json === true;
  const run = Object.hasOwn(SUBCOMMANDS, sub) ? SUBCOMMANDS[sub] : undefined;
  if (!run) {
    throw new UserError(
      `Unknown projects sub-command "${sub}": use list, scan, add, use, remove or needs-action`,
    );
  }
  await run({ ctx, reg, o: ctx.out, json, arg });
  return 0;
}
