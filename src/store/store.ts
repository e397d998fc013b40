/**
 * Everything LAO remembers, on one SQLite database, split by aggregate: the
 * plans (`plans.ts`), the queue of tasks (`queue.ts`), the records of model
 * calls, findings, validation runs and deliverables (`records.ts`) and the
 * event log (`event_log.ts`). `Store` owns the connection, the clock and the
 * bus, hands each aggregate its part, and does what spans them: registering
 * a plan revision and closing finished plans. State changes emit their
 * events after their transaction commits.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import type { Emit } from "../events/bus.ts";
import type { LaoEvent } from "../events/types.ts";
import { openDatabase, transaction } from "./db.ts";
import { EventLog, type StoreContext } from "./event_log.ts";
import { PlanStore } from "./plans.ts";
import { TaskQueue } from "./queue.ts";
import { RecordStore } from "./records.ts";
import {
  planId,
  type PlanPlacement,
  type PlanRow,
  type PlanSection,
  type RegisterResult,
} from "./types.ts";

export * from "./types.ts";

/** A plan file to register (see {@linkcode Store.registerPlan}). */
export type PlanInput = {
  filename: string;
  stem: string;
  text: string;
  sourcePath?: string;
  sections?: { hash: string; heading: string }[];
  redecompose?: boolean;
} & PlanPlacement;

/** The state store. Construct with {@linkcode Store.open}. */
export class Store {
  /** The underlying connection. */
  readonly db: DatabaseSync;
  /** Plans and chunks. */
  readonly plans: PlanStore;
  /** Tasks and their transitions. */
  readonly queue: TaskQueue;
  /** Model calls, findings, validation runs, deliverables, pilot messages. */
  readonly records: RecordStore;
  /** Event rows. */
  readonly log: EventLog;
  #emit: Emit;
  #now: () => Date;

  /** Wraps an open connection. */
  constructor(db: DatabaseSync, opts: { emit?: Emit; now?: () => Date } = {}) {
    this.db = db;
    this.#emit = opts.emit ?? (() => {});
    this.#now = opts.now ?? (() => new Date());
    // The aggregates read the clock through the store, so a test that moves it moves them.
    const ctx: StoreContext = { db, now: () => this.#now(), nowIso: () => this.nowIso() };
    const emit = (e: LaoEvent) => this.#emit(e);
    this.log = new EventLog(ctx);
    this.plans = new PlanStore(ctx, this.log, emit);
    this.queue = new TaskQueue(ctx, this.log, this.plans, emit);
    this.records = new RecordStore(db);
  }

  /** Opens (and migrates) the database at `path`. */
  static open(path: string, opts: { emit?: Emit; now?: () => Date } = {}): Store {
    return new Store(openDatabase(path), opts);
  }

  /** Closes the connection. */
  close(): void {
    this.db.close();
  }

  /** Emits an event on the store's bus (for records kept beside the store, e.g. plan refusals). */
  notify(event: LaoEvent): void {
    this.#emit(event);
  }

  /** Current time as an ISO string (the store's clock). */
  nowIso(): string {
    return this.#now().toISOString();
  }

  /**
   * Registers a plan by content hash. Identical content is deduped. A plan
   * file whose text changed becomes a new revision. With `sections` (see
   * `planSections`) and a previous revision that recorded its own, the
   * revision is incremental: every task moves to the new revision, tasks of
   * sections that are gone are cancelled (completed ones stay completed), and
   * only new or changed sections are left to decompose. Otherwise, or with
   * `redecompose`, the old revision's open tasks are cancelled and the whole
   * plan is decomposed again; `redecompose` on unchanged content redoes the
   * plan in place.
   */
  registerPlan(input: PlanInput): RegisterResult {
    const id = planId(input.text);
    const events: LaoEvent[] = [];
    const result = transaction(this.db, (): RegisterResult => {
      const existing = this.plans.getPlan(id);
      if (existing) {
        if (!input.redecompose) return { plan: existing, created: false, supersedes: null };
        return this.#redecomposeIn(id, input, events);
      }
      return this.#newRevisionIn(id, input, events);
    });
    for (const e of events) this.#emit(e);
    return result;
  }

  /** `--redecompose` on unchanged content: the plan is redone in place. */
  #redecomposeIn(id: string, input: PlanInput, events: LaoEvent[]): RegisterResult {
    const cancelled = this.queue.cancelIn(id, () => true, "the plan is decomposed again", events);
    this.plans.resetDecomposition(id, sectionsJson(input.sections, () => true));
    this.plans.setStatusIn(id, "decomposing", "redecompose requested", events);
    return {
      plan: this.plans.getPlan(id)!,
      created: true,
      supersedes: null,
      revision: { kept: 0, cancelled, decompose: input.sections?.length ?? 0 },
    };
  }

  /** A new plan, or a new revision of the plan file's latest one. */
  #newRevisionIn(id: string, input: PlanInput, events: LaoEvent[]): RegisterResult {
    const previous = this.plans.latestRevision(input.stem);
    const oldSections = previous?.sections_json
      ? (JSON.parse(previous.sections_json) as PlanSection[])
      : null;
    const incremental = !!previous && !!oldSections && !!input.sections && !input.redecompose;
    const oldHashes = new Set(oldSections?.map((x) => x.hash) ?? []);
    const decompose = incremental ? (h: string) => !oldHashes.has(h) : () => true;
    const toDecompose = input.sections?.filter((x) => decompose(x.hash)).length ?? 1;
    this.plans.insertPlan({
      id,
      filename: input.filename,
      stem: input.stem,
      ...(input.sourcePath !== undefined ? { sourcePath: input.sourcePath } : {}),
      revisionOf: previous?.id ?? null,
      ...(input.workspace !== undefined ? { workspace: input.workspace } : {}),
      ...(input.workspaceKind !== undefined ? { workspaceKind: input.workspaceKind } : {}),
      ...(input.target !== undefined ? { target: input.target } : {}),
      ...(input.branch !== undefined ? { branch: input.branch } : {}),
      sectionsJson: sectionsJson(input.sections, decompose),
    });
    events.push({
      type: "plan.registered",
      planId: id,
      filename: input.filename,
      ...(previous ? { revisionOf: previous.id } : {}),
      ...(incremental ? { tasksMoved: true } : {}),
    });
    let revision: RegisterResult["revision"];
    if (previous) {
      const counts = incremental
        ? this.#carryOverIn(previous, id, input, events)
        : { kept: 0, cancelled: this.#supersedeTasksIn(previous.id, id, input, events) };
      revision = { ...counts, decompose: toDecompose };
      this.plans.setStatusIn(previous.id, "superseded", `replaced by ${id}`, events);
    }
    if (incremental && toDecompose === 0) {
      this.plans.setStatusIn(id, "active", "no new or changed sections", events);
    }
    return {
      plan: this.plans.getPlan(id)!,
      created: true,
      supersedes: previous ?? null,
      ...(revision ? { revision } : {}),
    };
  }

  /**
   * An incremental revision: every task and deliverable moves to it, tasks of
   * sections that are gone are cancelled (completed ones stay completed).
   */
  #carryOverIn(
    previous: PlanRow,
    id: string,
    input: PlanInput,
    events: LaoEvent[],
  ): { kept: number; cancelled: number } {
    const newHashes = new Set(input.sections?.map((x) => x.hash) ?? []);
    // base_sha stays: the branch and worktree are the same.
    if (previous.base_sha !== null) this.plans.updatePlan(id, { base_sha: previous.base_sha });
    this.queue.moveTasks(previous.id, id);
    this.db.prepare(
      `INSERT OR IGNORE INTO deliverables (plan_id, deliverable_id, description, status, status_reason)
       SELECT ?, deliverable_id, description, status, status_reason FROM deliverables WHERE plan_id = ?`,
    ).run(id, previous.id);
    const cancelled = this.queue.cancelIn(
      id,
      (t) => t.section_hash !== null && !newHashes.has(t.section_hash) && t.status !== "completed",
      `its section is no longer in ${input.filename} (revision ${id})`,
      events,
    );
    const kept = this.queue.listTasks(id).filter((t) => t.status !== "cancelled").length;
    return { kept, cancelled };
  }

  /** A whole new revision: the old one's open tasks are cancelled; returns how many. */
  #supersedeTasksIn(previous: string, id: string, input: PlanInput, events: LaoEvent[]): number {
    return this.queue.cancelIn(
      previous,
      (t) => t.status !== "completed",
      `superseded by a new revision of ${input.filename} (plan ${id})`,
      events,
    );
  }

  /**
   * Marks every active plan whose tasks are all completed as `completed`, and
   * one whose tasks all failed as `failed`. Some failed tasks next to completed
   * ones keep a plan open. With `strict`, every deliverable must also be in
   * one of the allowed statuses. Returns the plans closed.
   */
  closeFinishedPlans(strict?: { allowedStatuses: string[] }): string[] {
    const closed: string[] = [];
    const allowed = strict?.allowedStatuses.map((x) => x.trim().toLowerCase()).filter(Boolean);
    for (const plan of this.plans.listPlans().filter((p) => p.status === "active")) {
      const c = this.queue.statusCounts(plan.id);
      // Cancelled tasks are done and count for neither side.
      const total = Object.values(c).reduce((a, b) => a + b, 0) - c.cancelled;
      if (total > 0 && c.failed === total) {
        this.plans.setPlanStatus(plan.id, "failed", "every task failed");
        continue;
      }
      if (total === 0 || c.completed !== total) continue;
      if (allowed && this.records.deliverables(plan.id).some((d) => !allowed.includes(d.status))) {
        continue;
      }
      this.plans.setPlanStatus(plan.id, "completed", "all tasks completed");
      closed.push(plan.id);
    }
    return closed;
  }

  /** Records an event that is not a transition (e.g. a model swap) in the event log. */
  logEvent(event: LaoEvent, planId?: string | null, taskId?: number | null): void {
    this.log.insert(event, planId ?? null, taskId ?? null);
  }

  // Each aggregate's operations, on the store itself (the callers' one handle).
  readonly getPlan: PlanStore["getPlan"] = (...a) => this.plans.getPlan(...a);
  readonly listPlans: PlanStore["listPlans"] = (...a) => this.plans.listPlans(...a);
  readonly setPlanStatus: PlanStore["setPlanStatus"] = (...a) => this.plans.setPlanStatus(...a);
  readonly updatePlan: PlanStore["updatePlan"] = (...a) => this.plans.updatePlan(...a);
  readonly markDecompositionFailed: PlanStore["markDecompositionFailed"] = (...a) =>
    this.plans.markDecompositionFailed(...a);
  readonly plansToDecompose: PlanStore["plansToDecompose"] = (...a) =>
    this.plans.plansToDecompose(...a);
  readonly markSectionsDecomposed: PlanStore["markSectionsDecomposed"] = (...a) =>
    this.plans.markSectionsDecomposed(...a);
  readonly upsertChunk: PlanStore["upsertChunk"] = (...a) => this.plans.upsertChunk(...a);
  readonly finishChunk: PlanStore["finishChunk"] = (...a) => this.plans.finishChunk(...a);
  readonly insertTasks: TaskQueue["insertTasks"] = (...a) => this.queue.insertTasks(...a);
  readonly getTask: TaskQueue["getTask"] = (...a) => this.queue.getTask(...a);
  readonly listTasks: TaskQueue["listTasks"] = (...a) => this.queue.listTasks(...a);
  readonly listByStatus: TaskQueue["listByStatus"] = (...a) => this.queue.listByStatus(...a);
  readonly transition: TaskQueue["transition"] = (...a) => this.queue.transition(...a);
  readonly cancelPlanTasks: TaskQueue["cancelPlanTasks"] = (...a) =>
    this.queue.cancelPlanTasks(...a);
  readonly runnable: TaskQueue["runnable"] = (...a) => this.queue.runnable(...a);
  readonly nextCooldownEnd: TaskQueue["nextCooldownEnd"] = (...a) =>
    this.queue.nextCooldownEnd(...a);
  readonly coded: TaskQueue["coded"] = (...a) => this.queue.coded(...a);
  readonly failBlocked: TaskQueue["failBlocked"] = (...a) => this.queue.failBlocked(...a);
  readonly recover: TaskQueue["recover"] = (...a) => this.queue.recover(...a);
  readonly retryFailed: TaskQueue["retryFailed"] = (...a) => this.queue.retryFailed(...a);
  readonly statusCounts: TaskQueue["statusCounts"] = (...a) => this.queue.statusCounts(...a);
  readonly revisionCounts: TaskQueue["revisionCounts"] = (...a) => this.queue.revisionCounts(...a);
  readonly setTaskSections: TaskQueue["setTaskSections"] = (...a) =>
    this.queue.setTaskSections(...a);
  readonly taskEvents: EventLog["taskEvents"] = (...a) => this.log.taskEvents(...a);
  readonly recordLlmCall: RecordStore["recordLlmCall"] = (...a) => this.records.recordLlmCall(...a);
  readonly prefillByRole: RecordStore["prefillByRole"] = (...a) => this.records.prefillByRole(...a);
  readonly tokensByRole: RecordStore["tokensByRole"] = (...a) => this.records.tokensByRole(...a);
  readonly addFindings: RecordStore["addFindings"] = (...a) => this.records.addFindings(...a);
  readonly findings: RecordStore["findings"] = (...a) => this.records.findings(...a);
  readonly planFindings: RecordStore["planFindings"] = (...a) => this.records.planFindings(...a);
  readonly planValidationRuns: RecordStore["planValidationRuns"] = (...a) =>
    this.records.planValidationRuns(...a);
  readonly addValidationRun: RecordStore["addValidationRun"] = (...a) =>
    this.records.addValidationRun(...a);
  readonly addPilotMessage: RecordStore["addPilotMessage"] = (...a) =>
    this.records.addPilotMessage(...a);
  readonly seedPlanMetadata: RecordStore["seedPlanMetadata"] = (...a) =>
    this.records.seedPlanMetadata(...a);
  readonly setDeliverableStatus: RecordStore["setDeliverableStatus"] = (planId, ids, status, r) => {
    this.records.setDeliverableStatus(planId, ids, status, r);
    if (ids.length) this.#emit({ type: "deliverable.status", planId, deliverableIds: ids, status });
  };
  readonly deliverables: RecordStore["deliverables"] = (...a) => this.records.deliverables(...a);
}

function sectionsJson(
  sections: { hash: string; heading: string }[] | undefined,
  decompose: (hash: string) => boolean,
): string | null {
  if (!sections) return null;
  return JSON.stringify(sections.map((x) => ({ ...x, decompose: decompose(x.hash) })));
}
