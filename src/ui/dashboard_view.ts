/**
 * Renders a {@linkcode DashboardState} as a compact status panel: a header
 * (phase, plan, model, sandbox), the current task, a progress bar, counts
 * per status, tokens by role, model loads and the latest activity.
 * Pure: text in, lines out.
 *
 * @module
 */
import type { LogLevel } from "../events/types.ts";
import { type Paint, paint, truncate } from "./ansi.ts";
import {
  activeLabel,
  countByStatus,
  type DashboardState,
  TASK_STATUSES,
  taskLabel,
} from "./dashboard_state.ts";
import { formatBytes, formatSeconds, formatTokens, runStateText } from "./describe_event.ts";

/** Options of {@linkcode render}. */
export interface RenderOptions {
  /** Terminal columns; every line fits in it. */
  width: number;
  /** Use ANSI colours. */
  color: boolean;
  /** Activity lines shown (default 8). */
  activityLines?: number;
  /** Seconds since the run started, shown at the end of the header. */
  elapsedSeconds?: number;
}

/** A piece of a line with an optional style. */
type Piece = readonly [text: string, style?: Paint];

/** Joins pieces, cutting them to `width` visible characters, then colours them. */
function fit(pieces: readonly Piece[], width: number, color: boolean): string {
  let room = width;
  let out = "";
  for (const [text, style] of pieces) {
    if (room <= 0) break;
    const cut = [...text].length > room ? truncate(text, room) : text;
    room -= [...cut].length;
    out += style ? paint(color, style, cut) : cut;
  }
  return out;
}

function header(state: DashboardState, elapsed: number | undefined): Piece[] {
  const parts: Piece[] = [["LAO", "bold"]];
  const add = (text: string, style?: Paint) => parts.push([" · "], [text, style]);
  // The elapsed time comes first so a narrow terminal never cuts it off.
  if (elapsed !== undefined) add(formatSeconds(elapsed));
  const run = state.run;
  const wait = state.memoryWait;
  // A Ctrl+C during a wait: both are true, and the second Ctrl+C is the way out.
  if (wait && run?.state === "stopping") add("stopping (Ctrl+C again aborts)", "cyan");
  if (wait) {
    add(
      `waiting for memory: ${formatBytes(wait.availableBytes)} of ${
        formatBytes(wait.targetBytes)
      } available · ${formatSeconds(wait.seconds)}`,
      "yellow",
    );
  } else if (run && run.state !== "working") {
    add(runStateText({ type: "run.state", ...run }), run.state === "paused" ? "yellow" : "cyan");
  } else add(state.phase ?? "starting");
  if (state.plan) add(`plan ${state.plan}`);
  add(state.model ? `model ${state.model.key}` : "no model loaded");
  if (state.sandbox) {
    add(state.sandbox.startsWith("sandbox:") ? state.sandbox : `sandbox ${state.sandbox}`);
  }
  return parts;
}

function progress(state: DashboardState, width: number): Piece[] {
  const counts = countByStatus(state);
  const total = Object.keys(state.tasks).length;
  const label = ` ${counts.completed}/${total} tasks completed`;
  const barWidth = Math.max(5, Math.min(30, width - label.length - 2));
  const filled = total === 0 ? 0 : Math.round((counts.completed / total) * barWidth);
  return [
    ["["],
    ["█".repeat(filled), "green"],
    ["░".repeat(barWidth - filled), "dim"],
    ["]"],
    [label],
  ];
}

function statusCounts(state: DashboardState): Piece[] {
  const counts = countByStatus(state);
  const pieces: Piece[] = [];
  for (const status of TASK_STATUSES) {
    const n = counts[status];
    // Cancelled tasks (sections a revision removed) only matter when there are some.
    if (status === "cancelled" && n === 0) continue;
    if (pieces.length) pieces.push([" · "]);
    const style: Paint | undefined = status === "failed" && n > 0
      ? "red"
      : status === "completed" && n > 0
      ? "green"
      : undefined;
    pieces.push([`${status} ${n}`, style]);
  }
  return pieces;
}

function tokenLine(state: DashboardState): Piece[] {
  const roles = Object.entries(state.tokens);
  if (roles.length === 0) return [["tokens: none yet", "dim"]];
  const text = roles
    .map(([role, use]) => `${role} ${formatTokens(use.prompt)}+${formatTokens(use.completion)}`)
    .join(" · ");
  return [["tokens (prompt+completion): "], [text]];
}

function modelLine(state: DashboardState): Piece[] {
  return [[
    `loads ${state.loads} · swaps ${state.swaps} · unloads ${state.unloads}` +
    ` · memory gate ${formatSeconds(state.memoryGateSeconds)}`,
  ]];
}

const MARK: Record<LogLevel, string> = { debug: "  ", info: "  ", warn: "! ", error: "✗ " };
const LEVEL_STYLE: Partial<Record<LogLevel, Paint>> = { warn: "yellow", error: "red" };

function activityLine(line: DashboardState["activity"][number]): Piece[] {
  const mark = line.good && line.level === "info" ? "+ " : MARK[line.level];
  const style = LEVEL_STYLE[line.level] ?? (line.good ? "green" : undefined);
  return [[` ${line.time} `, "dim"], [mark + line.text, style]];
}

/**
 * The panel's lines, each at most `width` visible characters.
 *
 * @example
 * ```ts
 * const lines = render(reduce(initialState(), event), { width: 80, color: false });
 * ```
 */
export function render(state: DashboardState, options: RenderOptions): string[] {
  const width = Math.max(20, options.width);
  const rows: Piece[][] = [header(state, options.elapsedSeconds)];
  const task = taskLabel(state.task);
  // With slots (issue 16) every running task gets its line, with its server and slot.
  if (state.active.length > 0) {
    for (const t of state.active) rows.push([["task "], [activeLabel(t), "cyan"]]);
  } else if (task) rows.push([["task "], [task, "cyan"]]);
  rows.push(progress(state, width), statusCounts(state), tokenLine(state), modelLine(state));
  if (state.problems > 0) {
    const last = state.lastProblems.at(-1) ?? "";
    rows.push([[`${state.problems} warning(s)/error(s), last: `, "yellow"], [last]]);
  }
  for (const line of state.activity.slice(-(options.activityLines ?? 8))) {
    rows.push(activityLine(line));
  }
  return rows.map((pieces) => fit(pieces, width, options.color));
}
