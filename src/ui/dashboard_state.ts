/**
 * The dashboard's state as a pure reducer: `reduce(state, event) -> state`.
 * No I/O; the view renders it and the TTY wrapper redraws it.
 *
 * @module
 */
import { placeText } from "../domain/placement.ts";
import { addCall, type TokenUse } from "./token_tally.ts";
import type { LaoEvent, LogLevel, RunState } from "../events/types.ts";
import type { Role } from "../domain/roles.ts";
import type { TaskStatus } from "../domain/status.ts";
import { attemptText, clock, describeEvent, type TaskFields } from "./describe_event.ts";

/** Every task status, in pipeline order (re-exported from the store's state machine). */
export { TASK_STATUSES } from "../store/task_machine.ts";
import { TASK_STATUSES } from "../store/task_machine.ts";

/** The task being worked on. */
export interface CurrentTask {
  id: number;
  title?: string;
  attempt?: number;
  maxAttempts?: number;
  /** The phase, server and slot it runs on (the scheduler with slots; issue 16). */
  phase?: string;
  server?: string;
  slot?: number;
}

/** One line of the activity list. */
export interface ActivityLine {
  /** Local `HH:MM:SS`. */
  time: string;
  text: string;
  level: LogLevel;
  good?: boolean;
}

/** Token usage of one role. */
export type { TokenUse } from "./token_tally.ts";

/** Everything the dashboard shows. */
export interface DashboardState {
  /** Current phase (`coder`, `reviewer`, …), or null before the first one. */
  phase: string | null;
  /** Filename (or id) of the plan being worked on. */
  plan: string | null;
  task: CurrentTask | null;
  /** Tasks running on a server slot now (several when the run has slots), by start. */
  active: readonly CurrentTask[];
  /** Last known status of every task seen. */
  tasks: Readonly<Record<number, TaskStatus>>;
  /** Titles learned from events. */
  titles: Readonly<Record<number, string>>;
  /** Plan filenames by plan id. */
  planNames: Readonly<Record<string, string>>;
  tokens: Readonly<Partial<Record<Role, TokenUse>>>;
  /** Model currently loaded, with the role it serves. */
  model: { role: Role; key: string } | null;
  loads: number;
  swaps: number;
  unloads: number;
  memoryGateSeconds: number;
  sandbox: string | null;
  /** Newest last, at most `activityLimit` long. */
  activity: readonly ActivityLine[];
  activityLimit: number;
  /** Warning and error count, and the last few messages. */
  problems: number;
  lastProblems: readonly string[];
  /** A memory-gate wait in progress (null when not waiting). */
  memoryWait: { availableBytes: number; targetBytes: number; seconds: number } | null;
  /** What the run is doing between steps (null before the first `run.state`). */
  run: { state: RunState; until?: string; reason?: string } | null;
  /** ISO time of the first and latest event. */
  startedAt: string | null;
  lastAt: string | null;
}

/** Seed values for {@linkcode initialState}. */
export interface InitialStateOptions {
  /** Tasks already known (e.g. from the store) before the first event. */
  tasks?: Record<number, TaskStatus>;
  /** Plan filenames by plan id, known before the first event (from the store). */
  planNames?: Record<string, string>;
  /** Sandbox description for the header. */
  sandbox?: string;
  /** Activity lines kept (default 12). */
  activityLimit?: number;
}

const PROBLEMS_KEPT = 3;

/** An empty state. */
export function initialState(options: InitialStateOptions = {}): DashboardState {
  return {
    phase: null,
    plan: null,
    task: null,
    active: [],
    tasks: { ...options.tasks },
    titles: {},
    planNames: { ...options.planNames },
    tokens: {},
    model: null,
    loads: 0,
    swaps: 0,
    unloads: 0,
    memoryGateSeconds: 0,
    sandbox: options.sandbox ?? null,
    activity: [],
    activityLimit: options.activityLimit ?? 12,
    problems: 0,
    lastProblems: [],
    run: null,
    memoryWait: null,
    startedAt: null,
    lastAt: null,
  };
}

/** What {@linkcode seedFromQueue} reads: the plans and tasks in the store. */
export interface QueueSnapshot {
  plans: readonly { id: string; filename: string; status?: string }[];
  tasks: readonly { id: number; status: TaskStatus; title: string }[];
}

/**
 * The dashboard's starting state from the whole queue, so its totals and plan
 * names are true from the first frame after a resume or a revision, not only
 * for the tasks this run happens to touch. When exactly one plan is open
 * (active or decomposing), the header names it before its first step.
 */
export function seedFromQueue(
  queue: QueueSnapshot,
  options: Omit<InitialStateOptions, "tasks" | "planNames"> = {},
): DashboardState {
  const tasks: Record<number, TaskStatus> = {};
  const titles: Record<number, string> = {};
  for (const t of queue.tasks) {
    tasks[t.id] = t.status;
    titles[t.id] = t.title;
  }
  const planNames = Object.fromEntries(queue.plans.map((p) => [p.id, p.filename]));
  const open = queue.plans.filter((p) => p.status === "active" || p.status === "decomposing");
  const plan = open.length === 1 ? open[0]!.filename : null;
  return { ...initialState({ ...options, tasks, planNames }), titles, plan };
}

/** Number of tasks per status (every status present, zero when none). */
export function countByStatus(state: DashboardState): Record<TaskStatus, number> {
  const counts = Object.fromEntries(TASK_STATUSES.map((s) => [s, 0])) as Record<
    TaskStatus,
    number
  >;
  for (const status of Object.values(state.tasks)) counts[status]++;
  return counts;
}

function withTask(state: DashboardState, next: CurrentTask): DashboardState {
  const task: CurrentTask = state.task?.id === next.id ? { ...state.task } : { id: next.id };
  const title = next.title ?? task.title ?? state.titles[next.id];
  if (title !== undefined) task.title = title;
  if (next.attempt !== undefined) task.attempt = next.attempt;
  if (next.maxAttempts !== undefined) task.maxAttempts = next.maxAttempts;
  const titles = next.title ? { ...state.titles, [next.id]: next.title } : state.titles;
  return { ...state, task, titles };
}

/** The current task as a `task.transition` or `phase.start` event names it. */
function taskOf(id: number, e: TaskFields): CurrentTask {
  return { id, title: e.title, attempt: e.attempt, maxAttempts: e.maxAttempts };
}

function applyEvent(state: DashboardState, event: LaoEvent): DashboardState {
  switch (event.type) {
    case "plan.registered":
      return { ...state, planNames: { ...state.planNames, [event.planId]: event.filename } };
    case "plan.status":
      if (event.to !== "active" && event.to !== "decomposing") return state;
      return { ...state, plan: state.planNames[event.planId] ?? event.planId };
    case "task.transition": {
      const next = { ...state, tasks: { ...state.tasks, [event.taskId]: event.to } };
      if (event.to !== "coding" && event.to !== "review") return next;
      return withTask(next, taskOf(event.taskId, event));
    }
    case "phase.start": {
      const next = {
        ...state,
        run: { state: "working" as const },
        phase: event.phase,
        plan: event.planId ? state.planNames[event.planId] ?? event.planId : state.plan,
      };
      if (event.taskId === undefined) return next;
      const withCurrent = withTask(next, taskOf(event.taskId, event));
      if (!event.server) return withCurrent;
      const slotted: CurrentTask = {
        ...taskOf(event.taskId, event),
        phase: event.phase,
        server: event.server,
        ...(event.slot !== undefined ? { slot: event.slot } : {}),
      };
      const others = state.active.filter((t) => t.id !== event.taskId);
      return { ...withCurrent, active: [...others, slotted] };
    }
    case "phase.end":
      if (!state.active.some((t) => t.id === event.taskId)) return state;
      return { ...state, active: state.active.filter((t) => t.id !== event.taskId) };
    case "model.load":
      return {
        ...state,
        model: { role: event.role, key: event.model },
        loads: state.loads + 1,
        swaps: state.swaps + (event.swap ? 1 : 0),
      };
    case "model.unload":
      return {
        ...state,
        unloads: state.unloads + 1,
        model: state.model?.key === event.model ? null : state.model,
      };
    case "memory.gate":
      return {
        ...state,
        memoryWait: null,
        memoryGateSeconds: state.memoryGateSeconds + event.seconds,
      };
    case "memory.wait": {
      const { availableBytes, targetBytes, seconds } = event;
      return { ...state, memoryWait: { availableBytes, targetBytes, seconds } };
    }
    case "llm.progress":
      return state;
    case "llm.call":
      return { ...state, tokens: addCall(state.tokens, event) };
    case "sandbox.status":
      return { ...state, sandbox: event.line };
    case "plan.updated":
    case "chunk.status":
    case "deliverable.status":
      return state;
    case "run.state": {
      const run: DashboardState["run"] = { state: event.state };
      if (event.until !== undefined) run.until = event.until;
      if (event.reason !== undefined) run.reason = event.reason;
      // Between steps no task is current.
      return event.state === "working"
        ? { ...state, run }
        : { ...state, run, task: null, active: [] };
    }
    case "log":
    case "tool.call":
    case "git.commit":
    case "pilot.message":
    case "pilot.delta":
      return state;
  }
}

function withActivity(
  state: DashboardState,
  event: LaoEvent & { at: string },
  before: DashboardState,
): DashboardState {
  // The header shows a memory-gate wait as it goes; the log notes only its start.
  if (event.type === "memory.wait" && before.memoryWait) return state;
  const d = describeEvent(event, (id) => state.planNames[id]);
  if (d.level === "debug") return state;
  let text = d.text;
  if (event.type === "task.transition" && !event.title) {
    const title = state.titles[event.taskId];
    if (title) text = text.replace(`task #${event.taskId} `, `task #${event.taskId} ${title}: `);
  }
  const line: ActivityLine = { time: clock(event.at), text, level: d.level };
  if (d.good) line.good = true;
  const activity = [...state.activity, line].slice(-state.activityLimit);
  if (d.level !== "warn" && d.level !== "error") return { ...state, activity };
  return {
    ...state,
    activity,
    problems: state.problems + 1,
    lastProblems: [...state.lastProblems, d.text].slice(-PROBLEMS_KEPT),
  };
}

/** The next state after `event`. Never mutates `state`. */
export function reduce(state: DashboardState, event: LaoEvent & { at: string }): DashboardState {
  const next = withActivity(applyEvent(state, event), event, state);
  return { ...next, startedAt: state.startedAt ?? event.at, lastAt: event.at };
}

/** `#3 Add parser (attempt 1/3) · coder on a slot 2`: one active task with its slot. */
export function activeLabel(task: CurrentTask): string {
  const where = task.server ? `${task.phase ?? ""} on ${placeText(task.server, task.slot)}` : "";
  return [taskLabel(task), where.trim()].filter(Boolean).join(" · ");
}

/** `#3 Add parser (attempt 1/3)`, or empty when no task is current. */
export function taskLabel(task: CurrentTask | null): string {
  if (!task) return "";
  return [`#${task.id}`, task.title, attemptText(task)].filter(Boolean).join(" ");
}
