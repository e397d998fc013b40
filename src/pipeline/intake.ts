/**
 * Plan intake: finds `*.md` plans in the plans folder (skipping `README.md`
 * and reserved names), registers them by content hash (so identical content
 * is processed once and an edited plan becomes a new revision), and resolves
 * `--plan PATH`.
 *
 * @module
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { UserError } from "../errors.ts";
import type { PlanRow, Store } from "../store/store.ts";
import { workspaceIo } from "../workspace/guarded_io.ts";

/** Stems that are never plans (case-insensitive). */
const RESERVED = new Set(["plans", "factory", "factory.example", "readme"]);

/** True when a plan file stem is reserved. */
export function isReservedStem(stem: string): boolean {
  const s = stem.toLowerCase();
  return RESERVED.has(s) || s.startsWith(".lao") || s.startsWith(".");
}

/** The stem of a plan file name (`Foo.md` → `Foo`). */
export function planStem(filename: string): string {
  return basename(filename).replace(/\.md$/i, "");
}

/** Plan files in a folder, sorted, reserved names skipped. */
export function listPlanFiles(plansDir: string): string[] {
  if (!existsSync(plansDir)) return [];
  return readdirSync(plansDir)
    .filter((f) => /\.md$/i.test(f) && !isReservedStem(planStem(f)))
    .filter((f) => statSync(join(plansDir, f)).isFile())
    .sort()
    .map((f) => join(plansDir, f));
}

/** Result of registering one file. */
export interface IntakeItem {
  plan: PlanRow;
  created: boolean;
  supersedes: PlanRow | null;
}

/** Registers one plan file; its workspace is `<configDir>/<stem>/`. */
export function registerPlanFile(store: Store, configDir: string, path: string): IntakeItem {
  const filename = basename(path);
  const stem = planStem(filename);
  if (isReservedStem(stem)) {
    throw new UserError(`Cannot use "${filename}" as a plan: the name "${stem}" is reserved`);
  }
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new UserError(`Cannot read plan "${path}": ${(err as Error).message}`);
  }
  if (!text.trim()) throw new UserError(`Cannot use plan "${filename}": the file is empty`);
  return store.registerPlan({
    filename,
    stem,
    text,
    sourcePath: path,
    workspace: join(configDir, stem),
  });
}

/** Registers every plan file in the folder; returns the new ones. */
export function scanPlans(store: Store, configDir: string, plansDir: string): IntakeItem[] {
  const created: IntakeItem[] = [];
  for (const path of listPlanFiles(plansDir)) {
    try {
      const item = registerPlanFile(store, configDir, path);
      if (item.created) created.push(item);
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      // An unreadable or empty plan is skipped; the next scan tries again.
    }
  }
  return created;
}

/** Resolves `--plan PATH`: as given (from the current folder), then inside the plans folder. */
export function resolvePlanPath(arg: string, cwd: string, plansDir: string): string {
  for (
    const candidate of [resolve(cwd, arg), resolve(plansDir, arg), resolve(plansDir, `${arg}.md`)]
  ) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  throw new UserError(
    `Cannot find plan "${arg}" (looked in the current folder and in ${plansDir})`,
  );
}

/**
 * Reads a plan's current text: its source file, else the workspace snapshot
 * (read through the guarded workspace I/O, so a FIFO, device or link planted
 * under the snapshot's name gives null instead of a hang or an outside file).
 */
export async function readPlanText(plan: PlanRow, snapshotName: string): Promise<string | null> {
  if (plan.source_path) {
    try {
      return readFileSync(plan.source_path, "utf8");
    } catch {
      // fall back to the snapshot
    }
  }
  if (!plan.workspace) return null;
  try {
    const text = await workspaceIo(plan.workspace).readText(snapshotName);
    return text.replace(/^<!-- LAO plan snapshot:[^\n]*-->\n\n/, "");
  } catch {
    return null;
  }
}

/**
 * Watches the plans folder for `*.md` changes (`Deno.watchFs`; a periodic
 * rescan is the fallback when watching is unavailable). Changes that happen
 * while the pipeline works are remembered, so a plan dropped between a scan
 * and the next wait is never missed.
 */
export class PlanWatcher {
  #fs: Deno.FsWatcher | undefined;
  #changed = false;
  #wake: (() => void) | undefined;

  /** Starts watching `dir` (created if missing). */
  constructor(dir: string) {
    try {
      mkdirSync(dir, { recursive: true });
      this.#fs = Deno.watchFs(dir, { recursive: false });
    } catch {
      this.#fs = undefined;
    }
    if (this.#fs) this.#consume(this.#fs);
  }

  async #consume(fs: Deno.FsWatcher) {
    try {
      for await (const ev of fs) {
        if (!ev.paths.some((p) => /\.md$/i.test(p))) continue;
        this.#changed = true;
        this.#wake?.();
      }
    } catch {
      // closed
    }
  }

  /** Forgets changes seen so far (call right before scanning). */
  clear(): void {
    this.#changed = false;
  }

  /** Resolves on the next change (or one since `clear`), after `timeoutMs`, or on abort. */
  wait(timeoutMs: number, signal: AbortSignal): Promise<void> {
    if (this.#changed || signal.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        this.#wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      signal.addEventListener("abort", done, { once: true });
      this.#wake = done;
    });
  }

  /** Stops watching. */
  close(): void {
    try {
      this.#fs?.close();
    } catch {
      // already closed
    }
  }
}
