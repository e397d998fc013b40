/**
 * Plan intake: finds `*.md` plans in the plans folder (skipping `README.md`
 * and reserved names), registers them by content hash (so identical content
 * is processed once and an edited plan becomes a new revision), and resolves
 * `--plan PATH`.
 *
 * @module
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createHash } from "node:crypto";
import { basename, join, resolve } from "node:path";
import { workspaceConflict } from "../config/placement.ts";
import { binaryReason, decodeUtf8, printable } from "../config/text_check.ts";
import { UserError } from "../errors.ts";
import { clearPlanRefusal, listPlanRefusals, refusePlanFile } from "../store/plan_refusals.ts";
import type { PlanRow, Store } from "../store/store.ts";
import { type IntakeOptions, placePlan } from "./plan_placement.ts";
import { workspaceIo } from "../workspace/guarded_io.ts";
import { isReservedStem, listPlanFiles, planStem } from "./plan_files.ts";

export { isReservedStem, listPlanFiles, planStem } from "./plan_files.ts";

/** Largest plan file LAO takes in (bytes). */
export const MAX_PLAN_BYTES = 16 * 1024 * 1024;

/** A plan file's content, or why it cannot be a plan. */
export type PlanContent =
  | { ok: true; text: string; fingerprint: string }
  | { ok: false; reason: string; fingerprint: string };

/**
 * Reads a plan file and checks it is a plan a person wrote: at most
 * {@linkcode MAX_PLAN_BYTES}, UTF-8, not binary, not empty.
 */
export function readPlanContent(path: string): PlanContent {
  let bytes: Uint8Array;
  try {
    const info = statSync(path);
    if (!info.isFile()) return { ok: false, reason: "it is not a regular file", fingerprint: "" };
    if (info.size > MAX_PLAN_BYTES) {
      return {
        ok: false,
        reason: `it is ${(info.size / 1048576).toFixed(1)} MB, more than the ${
          MAX_PLAN_BYTES / 1048576
        } MB a plan may have`,
        fingerprint: `size:${info.size}:${info.mtimeMs}`,
      };
    }
    bytes = readFileSync(path);
  } catch (err) {
    return { ok: false, reason: `cannot read it (${(err as Error).message})`, fingerprint: "" };
  }
  const fingerprint = createHash("sha256").update(bytes).digest("hex").slice(0, 16);
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    return {
      ok: false,
      reason: `it contains a NUL byte (offset ${nul}): it looks binary, not a markdown plan`,
      fingerprint,
    };
  }
  const decoded = decodeUtf8(bytes);
  if (!decoded.ok) {
    return {
      ok: false,
      reason:
        `it is not UTF-8 text (invalid byte at offset ${decoded.offset}, line ${decoded.line}); save it as UTF-8`,
      fingerprint,
    };
  }
  const binary = binaryReason(decoded.text);
  if (binary) return { ok: false, reason: binary, fingerprint };
  if (!decoded.text.trim()) {
    return { ok: false, reason: "the file is empty; write the plan in it", fingerprint };
  }
  return { ok: true, text: decoded.text, fingerprint };
}

/** Result of registering one file. */
export interface IntakeItem {
  plan: PlanRow;
  created: boolean;
  supersedes: PlanRow | null;
}

/** Where LAO keeps its own state, so that no plan workspace may contain it. */
export interface StatePaths {
  plans: string;
  database: string;
  configFile?: string | null;
}

/** Registers one plan file; its workspace is `<configDir>/<stem>/`. Throws one line when refused. */
export function registerPlanFile(
  store: Store,
  configDir: string,
  path: string,
  state?: StatePaths,
  known?: PlanContent,
  intake?: IntakeOptions,
): IntakeItem {
  const filename = basename(path);
  const stem = planStem(filename);
  if (isReservedStem(stem)) {
    throw new UserError(`Cannot use "${filename}" as a plan: the name "${stem}" is reserved`);
  }
  const content = known ?? readPlanContent(path);
  if (!content.ok) {
    throw new UserError(`Cannot use plan "${printable(filename)}": ${content.reason}`);
  }
  const paths = state ?? defaultStatePaths(store, resolve(path, ".."));
  const conflict = workspaceConflict(stem, configDir, paths, paths.configFile ?? null);
  if (conflict) {
    throw new UserError(`Cannot use plan "${filename}": ${conflict}; rename the plan file`);
  }
  return store.registerPlan({
    filename,
    stem,
    text: content.text,
    sourcePath: path,
    ...placePlan(configDir, stem, content.text, intake),
  });
}

/**
 * Registers every plan file in the folder; returns the new ones. A file that
 * cannot be a plan (binary, not UTF-8, empty, a reserved name, the same text
 * as another plan, a workspace that would hold LAO's state) is recorded with
 * its reason, warned about once, shown by `lao status`, and tried again when
 * it changes.
 */
export function scanPlans(
  store: Store,
  configDir: string,
  plansDir: string,
  state?: StatePaths,
  intake?: IntakeOptions,
): IntakeItem[] {
  const created: IntakeItem[] = [];
  const present = new Set<string>();
  for (const path of reservedPlanFiles(plansDir)) {
    present.add(path);
    refuseReserved(store, path);
  }
  for (const path of listPlanFiles(plansDir)) {
    present.add(path);
    const item = takeInPlanFile(
      store,
      configDir,
      path,
      state ?? defaultStatePaths(store, plansDir),
      intake,
    );
    if (item?.created) created.push(item);
  }
  // A refused file that is gone is forgotten.
  const folder = resolve(plansDir);
  for (const r of listPlanRefusals(store)) {
    if (resolve(r.source_path, "..") === folder && !present.has(r.source_path)) {
      clearPlanRefusal(store, r.source_path);
    }
  }
  return created;
}

function refuseReserved(store: Store, path: string) {
  const stem = planStem(basename(path));
  refusePlanFile(store, {
    path,
    filename: basename(path),
    reason: `"${stem}" is a reserved name (${
      stem.toLowerCase().startsWith("factory") ? "LAO's configuration" : "LAO's own files"
    }); rename the file to take it in`,
    fingerprint: "reserved",
  });
}

/** Registers one plan file, or records why it is refused; the intake item when registered. */
function takeInPlanFile(
  store: Store,
  configDir: string,
  path: string,
  state: StatePaths,
  intake: IntakeOptions | undefined,
): IntakeItem | undefined {
  const filename = basename(path);
  const content = readPlanContent(path);
  if (!content.ok) {
    refusePlanFile(store, {
      path,
      filename: printable(filename),
      reason: content.reason,
      fingerprint: content.fingerprint,
    });
    return undefined;
  }
  try {
    const item = registerPlanFile(store, configDir, path, state, content, intake);
    if (!item.created && item.plan.source_path && item.plan.source_path !== path) {
      refusePlanFile(store, {
        path,
        filename,
        reason:
          `the same text as ${item.plan.filename} (plan ${item.plan.id}), which LAO already has; nothing new to do`,
        fingerprint: content.fingerprint,
      });
    } else clearPlanRefusal(store, path);
    return item;
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    refusePlanFile(store, {
      path,
      filename,
      reason: err.message.replace(/^Cannot use plan "[^"]*": /, ""),
      fingerprint: content.fingerprint,
    });
    return undefined;
  }
}

/** LAO's state paths when the caller gave none: the store's database file and the plans folder. */
function defaultStatePaths(store: Store, plansDir: string): StatePaths {
  return { plans: plansDir, database: store.db.location() ?? ":memory:" };
}

/** `.md` files in the folder whose stem is reserved (README and hidden files excepted). */
function reservedPlanFiles(plansDir: string): string[] {
  if (!existsSync(plansDir)) return [];
  return readdirSync(plansDir)
    .filter((f) => /\.md$/i.test(f) && isReservedStem(planStem(f)))
    .filter((f) => !f.startsWith(".") && planStem(f).toLowerCase() !== "readme")
    .sort()
    .map((f) => join(plansDir, f));
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
    // A source file that became binary or empty falls back to the snapshot.
    const content = readPlanContent(plan.source_path);
    if (content.ok) return content.text;
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
