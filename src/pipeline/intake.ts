/**
 * Plan intake: finds `*.md` plans in the plans folder (skipping `README.md`
 * and reserved names), registers them by content hash (so identical content
 * is processed once and an edited plan becomes a new revision), and resolves
 * `--plan PATH`. Plan files are read through a {@linkcode PlansSource}
 * (the disk when a caller passes a folder path).
 *
 * @module
 */
import { createHash } from "node:crypto";
import { basename, dirname, resolve } from "node:path";
import { workspaceConflict } from "../config/placement.ts";
import { binaryReason, decodeUtf8, printable } from "../config/text_check.ts";
import { UserError } from "../errors.ts";
import { clearPlanRefusal, listPlanRefusals, refusePlanFile } from "../store/plan_refusals.ts";
import type { PlanRow, Store } from "../store/store.ts";
import { type IntakeOptions, placePlan } from "./plan_placement.ts";
import { type WorkspaceIo, workspaceIo } from "../workspace/guarded_io.ts";
import { isReservedStem, listPlanFiles, planStem } from "./plan_files.ts";
import { diskPlansSource, type PlansSource } from "./plans_source.ts";

export { isReservedStem, listPlanFiles, planStem } from "./plan_files.ts";
export { diskPlansSource, type PlansSource } from "./plans_source.ts";

/** `plans` as a source: a folder path is that folder on disk. */
function sourceOf(plans: string | PlansSource): PlansSource {
  return typeof plans === "string" ? diskPlansSource(plans) : plans;
}

/** Largest plan file LAO takes in (bytes). */
export const MAX_PLAN_BYTES = 16 * 1024 * 1024;

/** A plan file's content, or why it cannot be a plan. */
export type PlanContent =
  | { ok: true; text: string; fingerprint: string }
  | { ok: false; reason: string; fingerprint: string };

/**
 * Reads a plan file (from `plans`, the disk by default) and checks it is a
 * plan a person wrote: at most {@linkcode MAX_PLAN_BYTES}, UTF-8, not
 * binary, not empty.
 */
export function readPlanContent(
  path: string,
  plans: PlansSource = diskPlansSource(dirname(path)),
): PlanContent {
  let bytes: Uint8Array;
  try {
    const info = plans.stat(path);
    if (!info) return { ok: false, reason: "cannot read it (it is gone)", fingerprint: "" };
    if (!info.isFile) return { ok: false, reason: "it is not a regular file", fingerprint: "" };
    if (info.size > MAX_PLAN_BYTES) {
      return {
        ok: false,
        reason: `it is ${(info.size / 1048576).toFixed(1)} MB, more than the ${
          MAX_PLAN_BYTES / 1048576
        } MB a plan may have`,
        fingerprint: `size:${info.size}:${info.mtimeMs}`,
      };
    }
    bytes = plans.read(path);
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
  plans: string | PlansSource,
  state?: StatePaths,
  intake?: IntakeOptions,
): IntakeItem[] {
  const source = sourceOf(plans);
  const plansDir = source.dir;
  const created: IntakeItem[] = [];
  const present = new Set<string>();
  for (const path of reservedPlanFiles(source)) {
    present.add(path);
    refuseReserved(store, path);
  }
  for (const path of listPlanFiles(source)) {
    present.add(path);
    const item = takeInPlanFile(
      store,
      configDir,
      { path, source },
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
  file: { path: string; source: PlansSource },
  state: StatePaths,
  intake: IntakeOptions | undefined,
): IntakeItem | undefined {
  const { path } = file;
  const filename = basename(path);
  const content = readPlanContent(path, file.source);
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

/** `.md` entries of the folder whose stem is reserved (README and hidden files excepted). */
function reservedPlanFiles(source: PlansSource): string[] {
  return source.list()
    .filter((e) => isReservedStem(planStem(e.name)))
    .filter((e) => !e.name.startsWith(".") && planStem(e.name).toLowerCase() !== "readme")
    .map((e) => e.path);
}

/** Resolves `--plan PATH`: as given (from the current folder), then inside the plans folder. */
export function resolvePlanPath(
  arg: string,
  cwd: string,
  plansDir: string,
  plans: PlansSource = diskPlansSource(plansDir),
): string {
  for (
    const candidate of [resolve(cwd, arg), resolve(plansDir, arg), resolve(plansDir, `${arg}.md`)]
  ) {
    if (plans.stat(candidate)?.isFile) return candidate;
  }
  throw new UserError(
    `Cannot find plan "${arg}" (looked in the current folder and in ${plansDir})`,
  );
}

/** Where {@linkcode readPlanText} reads: the plans source and LAO's workspace I/O (the disk by default). */
export interface PlanTextPorts {
  plans?: PlansSource;
  workspaceIo?: (root: string) => WorkspaceIo;
}

/**
 * Reads a plan's current text: its source file, else the workspace snapshot
 * (read through the guarded workspace I/O, so a FIFO, device or link planted
 * under the snapshot's name gives null instead of a hang or an outside file).
 */
export async function readPlanText(
  plan: PlanRow,
  snapshotName: string,
  ports: PlanTextPorts = {},
): Promise<string | null> {
  if (plan.source_path) {
    // A source file that became binary or empty falls back to the snapshot.
    const content = readPlanContent(plan.source_path, ports.plans);
    if (content.ok) return content.text;
  }
  if (!plan.workspace) return null;
  try {
    const io = (ports.workspaceIo ?? workspaceIo)(plan.workspace);
    const text = await io.readText(snapshotName);
    return text.replace(/^<!-- LAO plan snapshot:[^\n]*-->\n\n/, "");
  } catch {
    return null;
  }
}

/**
 * Watches the plans folder for `*.md` changes (through the source; a
 * periodic rescan is the fallback when watching is unavailable). Changes
 * that happen while the pipeline works are remembered, so a plan dropped
 * between a scan and the next wait is never missed. Waits run on the
 * injected `sleep` (the run's clock).
 */
export class PlanWatcher {
  #stop: (() => void) | null;
  #changed = false;
  #wake: (() => void) | undefined;
  #sleep: (ms: number, signal: AbortSignal) => Promise<void>;

  /** Starts watching `source`'s folder, which should exist. */
  constructor(source: PlansSource, sleep: (ms: number, signal: AbortSignal) => Promise<void>) {
    this.#sleep = sleep;
    this.#stop = source.watch(() => {
      this.#changed = true;
      this.#wake?.();
    });
  }

  /** Forgets changes seen so far (call right before scanning). */
  clear(): void {
    this.#changed = false;
  }

  /** Resolves on the next change (or one since `clear`), after `timeoutMs`, or on abort. */
  async wait(timeoutMs: number, signal: AbortSignal): Promise<void> {
    if (this.#changed || signal.aborted) return;
    const woken = new AbortController();
    this.#wake = () => woken.abort();
    try {
      await this.#sleep(timeoutMs, AbortSignal.any([signal, woken.signal]));
    } catch {
      // woken by a change or the abort
    } finally {
      this.#wake = undefined;
    }
  }

  /** Stops watching. */
  close(): void {
    this.#stop?.();
    this.#stop = null;
  }
}
