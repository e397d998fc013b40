/**
 * The registry of known LAO projects, `~/.lao/projects.json`: written
 * atomically (temp file + rename); a corrupt file is moved aside and
 * reported, never silently dropped. Counts come from each project's own
 * database, read-only ({@linkcode projectFacts}).
 *
 * @module
 */
import { existsSync, readdirSync, realpathSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { readTextIfExists, workspaceIo } from "../workspace/guarded_io.ts";
import { isLaoProject, projectFacts } from "./counts.ts";

/** One registered project. */
export interface ProjectEntry {
  /** Absolute, resolved folder. */
  path: string;
  /** Folder name. */
  name: string;
  /** UTC ISO time it was last added, used or refreshed. */
  last_used: string;
  has_config: boolean;
  plans_count: number;
  pending_tasks: number;
  failed_tasks: number;
  tags: string[];
}

/** A project that needs the user, with why. */
export interface NeedsAction {
  project: ProjectEntry;
  score: number;
  reason: string;
}

interface RegistryFile {
  version: 1;
  /** Path of the project chosen with `lao projects use`. */
  current: string | null;
  projects: ProjectEntry[];
}

/** Folders a scan never enters. */
const SKIP = new Set(["node_modules", "__pycache__", ".git", ".venv", "venv"]);

/** The registry file under a home folder. */
export function registryPath(home: string): string {
  return join(home, ".lao", "projects.json");
}

function resolveDir(p: string): string {
  const abs = resolve(p);
  try {
    return realpathSync(abs);
  } catch {
    return abs;
  }
}

/** The project registry (load, change, save). */
export class ProjectRegistry {
  readonly file: string;
  /** Problems found while loading (a corrupt file moved aside), one line each. */
  readonly warnings: string[] = [];
  #data: RegistryFile = { version: 1, current: null, projects: [] };
  #now: () => Date;

  private constructor(file: string, now: () => Date) {
    this.file = file;
    this.#now = now;
  }

  /** Loads the registry at `file` (missing: empty). */
  static async open(file: string, now: () => Date = () => new Date()): Promise<ProjectRegistry> {
    const reg = new ProjectRegistry(file, now);
    await reg.#load();
    return reg;
  }

  async #load(): Promise<void> {
    const dir = join(this.file, "..");
    const name = basename(this.file);
    if (!existsSync(dir)) return;
    const io = workspaceIo(dir);
    const text = await readTextIfExists(io, name);
    if (text === null) return;
    const parsed = parseRegistry(text);
    if (parsed) {
      this.#data = parsed;
      return;
    }
    const backup = `${name}.corrupt-${this.#now().toISOString().replace(/[:.]/g, "-")}`;
    await io.writeText(backup, text);
    await io.remove(name);
    this.warnings.push(
      `Cannot read the project registry "${this.file}": it is not valid; moved it to "${
        join(dir, backup)
      }" and started an empty one`,
    );
  }

  /** Writes the registry (temp file + rename). */
  async save(): Promise<void> {
    const dir = join(this.file, "..");
    Deno.mkdirSync(dir, { recursive: true });
    await workspaceIo(dir).writeText(
      basename(this.file),
      JSON.stringify(this.#data, null, 2) + "\n",
    );
  }

  /** Every registered project, most recently used first. */
  list(): ProjectEntry[] {
    return [...this.#data.projects].sort((a, b) => b.last_used.localeCompare(a.last_used));
  }

  /** The project chosen with `use`, if it is still registered. */
  current(): ProjectEntry | undefined {
    const c = this.#data.current;
    return c ? this.#data.projects.find((p) => p.path === c) : undefined;
  }

  /** By exact path, resolved path or name. */
  get(nameOrPath: string): ProjectEntry | undefined {
    const ps = this.#data.projects;
    return ps.find((p) => p.path === nameOrPath) ??
      ps.find((p) => p.path === resolveDir(nameOrPath)) ??
      ps.find((p) => p.name === nameOrPath);
  }

  /** Registers `dir` (idempotent; refreshes its counts and touches `last_used`). */
  add(dir: string, tags: string[] = []): ProjectEntry {
    const path = resolveDir(dir);
    let entry = this.#data.projects.find((p) => p.path === path);
    if (!entry) {
      entry = {
        path,
        name: basename(path),
        last_used: "",
        has_config: false,
        plans_count: 0,
        pending_tasks: 0,
        failed_tasks: 0,
        tags: [],
      };
      this.#data.projects.push(entry);
    }
    for (const t of tags) if (!entry.tags.includes(t)) entry.tags.push(t);
    this.#refreshEntry(entry);
    return entry;
  }

  /** Removes by exact path or name; false when nothing matched. */
  remove(nameOrPath: string): boolean {
    const hit = this.get(nameOrPath);
    if (!hit) return false;
    this.#data.projects = this.#data.projects.filter((p) => p !== hit);
    if (this.#data.current === hit.path) this.#data.current = null;
    return true;
  }

  /** Makes a registered project (or a project folder, registered on the way) the current one. */
  use(nameOrPath: string): ProjectEntry | undefined {
    let hit = this.get(nameOrPath);
    if (!hit) {
      const dir = resolveDir(nameOrPath);
      if (isDir(dir) && isLaoProject(dir)) hit = this.add(dir);
    }
    if (!hit) return undefined;
    hit.last_used = this.#now().toISOString();
    this.#data.current = hit.path;
    return hit;
  }

  /** Registered names containing `text` (case-insensitive). */
  match(text: string): ProjectEntry[] {
    const t = text.toLowerCase();
    return this.#data.projects.filter((p) => p.name.toLowerCase().includes(t));
  }

  /** Walks `root` (depth ≤ `maxDepth`) and registers every LAO project found. */
  scan(root: string, maxDepth = 3): ProjectEntry[] {
    const found: ProjectEntry[] = [];
    const walk = (dir: string, depth: number) => {
      if (isLaoProject(dir)) {
        found.push(this.add(dir));
        return; // a project's own folders are not other projects
      }
      if (depth >= maxDepth) return;
      let names: string[];
      try {
        names = readdirSync(dir);
      } catch {
        return;
      }
      for (const name of names.sort()) {
        if (name.startsWith(".") || SKIP.has(name)) continue;
        const child = join(dir, name);
        if (isDir(child)) walk(child, depth + 1);
      }
    };
    const start = resolveDir(root);
    if (isDir(start)) {
      if (isLaoProject(start)) found.push(this.add(start));
      else walk(start, 0);
    }
    return found;
  }

  /** Re-reads every project's config, plans and task counts. */
  refresh(): void {
    for (const p of this.#data.projects) this.#refreshEntry(p, false);
  }

  #refreshEntry(entry: ProjectEntry, touch = true): void {
    const facts = projectFacts(entry.path);
    entry.has_config = facts.hasConfig;
    entry.plans_count = facts.plansCount;
    entry.pending_tasks = facts.pendingTasks;
    entry.failed_tasks = facts.failedTasks;
    if (touch || !entry.last_used) entry.last_used = this.#now().toISOString();
  }

  /** Projects with work waiting, most urgent first (counts refreshed). */
  needsAction(): NeedsAction[] {
    this.refresh();
    const out: NeedsAction[] = [];
    for (const p of this.#data.projects) {
      if (!isDir(p.path)) continue;
      if (p.pending_tasks > 0 || p.failed_tasks > 0) {
        out.push({
          project: p,
          score: 40 + Math.min(p.failed_tasks, 30) + Math.min(p.pending_tasks, 10),
          reason: `${p.pending_tasks} pending, ${p.failed_tasks} failed`,
        });
      } else if (p.plans_count > 0 && !p.has_config) {
        out.push({ project: p, score: 30, reason: "plans but no factory.yaml (run lao init)" });
      }
    }
    return out.sort((a, b) => b.score - a.score || a.project.name.localeCompare(b.project.name));
  }
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function parseRegistry(text: string): RegistryFile | null {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  const list = Array.isArray(raw)
    ? raw
    : typeof raw === "object" && raw !== null && Array.isArray((raw as RegistryFile).projects)
    ? (raw as RegistryFile).projects
    : null;
  if (!list) return null;
  const projects: ProjectEntry[] = [];
  for (const item of list) {
    if (typeof item !== "object" || item === null) return null;
    const r = item as Record<string, unknown>;
    if (typeof r.path !== "string") return null;
    const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : 0);
    projects.push({
      path: r.path,
      name: typeof r.name === "string" ? r.name : basename(r.path),
      last_used: typeof r.last_used === "string" ? r.last_used : "",
      has_config: r.has_config === true,
      plans_count: num(r.plans_count),
      pending_tasks: num(r.pending_tasks),
      failed_tasks: num(r.failed_tasks),
      tags: Array.isArray(r.tags) ? r.tags.filter((t): t is string => typeof t === "string") : [],
    });
  }
  const current = !Array.isArray(raw) && typeof (raw as RegistryFile).current === "string"
    ? (raw as RegistryFile).current
    : null;
  return { version: 1, current, projects };
}

/** A one-line label of a project's work: `2 pending, 1 failed` or `idle`. */
export function workLabel(p: ProjectEntry): string {
  return p.pending_tasks || p.failed_tasks
    ? `${p.pending_tasks} pending, ${p.failed_tasks} failed`
    : "idle";
}
