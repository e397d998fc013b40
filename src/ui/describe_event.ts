/**
 * Turns one {@linkcode LaoEvent} into a short human sentence plus a severity.
 * Shared by the plain log and the dashboard's activity list, so both speak
 * the same words.
 *
 * @module
 */
import { placeText } from "../domain/placement.ts";
import type { LaoEvent, LogLevel } from "../events/types.ts";

/** A described event: what to show and how loud it is. */
export interface Described {
  /** One line of text, no timestamp, no colour. */
  text: string;
  /** Severity; `debug` lines are only shown when verbose. */
  level: LogLevel;
  /** Marks good news (a task completed, a review approved). */
  good?: boolean;
}

/** The task fields `task.transition` and `phase.start` events carry. */
export interface TaskFields {
  /** Task title. */
  title?: string;
  /** 1-based attempt number. */
  attempt?: number;
  /** Attempt budget. */
  maxAttempts?: number;
}

/** Formats seconds as `0.3s`, `12s`, `4m 05s` or `1h 02m`. */
export function formatSeconds(seconds: number): string {
  if (seconds < 10) return `${Math.max(0, seconds).toFixed(1)}s`;
  if (seconds < 60) return `${Math.round(seconds)}s`;
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number) => String(n).padStart(2, "0");
  return h > 0 ? `${h}h ${pad(m)}m` : `${m}m ${pad(s % 60)}s`;
}

/** Formats a byte count as `512 MB` / `12.3 GB`. */
export function formatBytes(bytes: number): string {
  const gb = bytes / 1024 ** 3;
  if (gb >= 1) return `${gb.toFixed(1)} GB`;
  return `${Math.round(bytes / 1024 ** 2)} MB`;
}

/** Formats a token count compactly: `950`, `12.3k`, `1.2M`. */
export function formatTokens(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

/** Local wall-clock time `HH:MM:SS` of an ISO timestamp. */
export function clock(at: string): string {
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return "--:--:--";
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** `(attempt 1/3)` or `(attempt 2)` or empty. */
export function attemptText(extras: TaskFields): string {
  if (extras.attempt === undefined) return "";
  const of = extras.maxAttempts === undefined ? "" : `/${extras.maxAttempts}`;
  return `(attempt ${extras.attempt}${of})`;
}

function join(...parts: (string | undefined)[]): string {
  return parts.filter((p) => p !== undefined && p !== "").join(" ");
}

function taskLine(event: Extract<LaoEvent, { type: "task.transition" }>): Described {
  const move = event.from === null ? `→ ${event.to}` : `${event.from} → ${event.to}`;
  const reason = event.reason ? `— ${event.reason}` : undefined;
  const text = join(`task #${event.taskId}`, move, attemptText(event), event.title, reason);
  if (event.to === "failed") return { text, level: "warn" };
  return { text, level: "info", good: event.to === "completed" };
}

function taskRef(taskId: number | undefined): string | undefined {
  return taskId === undefined ? undefined : `(task #${taskId})`;
}

/** Looks up a plan's filename by id (for friendlier plan lines). */
export type PlanName = (planId: string) => string | undefined;

/**
 * Describes `event` as one line of text with a severity. `planName` turns
 * plan ids into filenames where known.
 */
export function describeEvent(event: LaoEvent, planName?: PlanName): Described {
  switch (event.type) {
    case "log": {
      const text = event.source ? `[${event.source}] ${event.message}` : event.message;
      return { text, level: event.level };
    }
    case "plan.registered": {
      const rev = event.revisionOf ? `(revision of ${event.revisionOf})` : undefined;
      return { text: join(`plan ${event.filename} registered`, rev), level: "info" };
    }
    case "plan.status": {
      const move = event.from === null ? `→ ${event.to}` : `${event.from} → ${event.to}`;
      const reason = event.reason ? `— ${event.reason}` : undefined;
      const text = join(`plan ${planName?.(event.planId) ?? event.planId}`, move, reason);
      if (event.to === "decomposition_failed") return { text, level: "warn" };
      return { text, level: "info", good: event.to === "completed" };
    }
    case "task.transition":
      return taskLine(event);
    case "phase.start": {
      const where = event.server ? `on ${placeText(event.server, event.slot)}` : undefined;
      return { text: join(`${event.phase} started`, taskRef(event.taskId), where), level: "info" };
    }
    case "phase.end": {
      const verb = event.ok ? "finished" : "failed";
      const text = join(`${event.phase} ${verb}`, taskRef(event.taskId));
      return { text, level: event.ok ? "info" : "warn" };
    }
    case "model.load": {
      const swap = event.swap ? "(swap)" : undefined;
      const text = join(
        `model ${event.role} loaded ${event.model} in ${formatSeconds(event.seconds)}`,
        swap,
      );
      return { text, level: "info" };
    }
    case "model.unload":
      return {
        text: `model unloaded ${event.model} in ${formatSeconds(event.seconds)}`,
        level: "info",
      };
    case "memory.gate": {
      const reason = event.reason.replaceAll("_", " ");
      const freed = event.freedBytes > 0 ? `(freed ${formatBytes(event.freedBytes)})` : undefined;
      const text = join(`memory gate: ${reason} after ${formatSeconds(event.seconds)}`, freed);
      const bad = event.reason === "timeout" || event.reason === "swap_growth";
      return { text, level: bad ? "warn" : "info" };
    }
    case "memory.wait":
      return {
        text: `waiting for memory: ${formatBytes(event.availableBytes)} of ${
          formatBytes(event.targetBytes)
        } available after ${formatSeconds(event.seconds)}`,
        // Every poll is info; the plain log thins them to one line per 10 s and the
        // dashboard logs the first and shows the rest in its header.
        level: "info",
      };
    case "llm.call": {
      const tokens = `${event.promptTokens}+${event.completionTokens} tokens`;
      const head = `llm ${event.role} ${event.model}`;
      if (!event.ok) {
        const why = event.error ? `: ${event.error}` : "";
        return {
          text: `${head} failed after ${formatSeconds(event.seconds)}${why}`,
          level: "warn",
        };
      }
      return { text: `${head} ${tokens} in ${formatSeconds(event.seconds)}`, level: "debug" };
    }
    case "llm.progress":
      return {
        text: `${event.role} still answering: ~${event.tokens} tokens after ${
          formatSeconds(event.seconds)
        }`,
        level: "info",
      };
    case "tool.call": {
      const who = event.taskId === undefined ? "" : `task #${event.taskId} `;
      const mark = event.ok ? "" : " failed";
      return { text: `${who}tool ${event.tool}${mark}: ${event.summary}`, level: "info" };
    }
    case "git.commit":
      return { text: `git commit ${event.sha.slice(0, 7)} ${event.subject}`, level: "info" };
    case "pilot.message":
      return {
        text: event.role === "user"
          ? `You: ${event.text}`
          : event.role === "assistant"
          ? `Pilot: ${event.text}`
          : event.text,
        level: "info",
      };
    case "pilot.delta":
      // A piece of an answer; the whole answer follows as pilot.message.
      return { text: event.text, level: "debug" };
    case "sandbox.status":
      return {
        text: event.line.startsWith("sandbox:") ? event.line : `sandbox: ${event.line}`,
        level: "info",
      };
    case "run.state":
      // The log line that caused the state says it already; the dashboard shows the state.
      return { text: runStateText(event), level: "debug" };
    case "plan.updated":
      return {
        text: `plan ${planName?.(event.planId) ?? event.planId}: ${
          event.fields.join(", ")
        } updated`,
        level: "debug",
      };
    case "chunk.status": {
      const why = event.error ? `: ${event.error}` : "";
      const text = `plan ${planName?.(event.planId) ?? event.planId}: chunk ${
        event.hash.slice(0, 8)
      } ${event.status}${why}`;
      // A failed chunk is reported by the decomposition failure itself: one message per problem.
      return { text, level: "debug" };
    }
    case "deliverable.status":
      return {
        text: `deliverables ${event.deliverableIds.join(", ")} → ${event.status}`,
        level: "debug",
      };
  }
}

/** `paused, next retry at 12:00:05 (model server unavailable)`, `idle`, `stopping`, … */
export function runStateText(event: Extract<LaoEvent, { type: "run.state" }>): string {
  const label = event.state === "cooldown" ? "waiting for a rework cooldown" : event.state;
  // A pause ends with a retry of the server; a cooldown simply ends.
  const until = !event.until
    ? ""
    : event.state === "paused"
    ? `, next retry at ${clock(event.until)}`
    : ` until ${clock(event.until)}`;
  const reason = event.reason ? ` (${event.reason})` : "";
  return `${label}${until}${reason}`;
}
