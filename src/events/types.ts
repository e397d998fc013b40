/**
 * Typed events. Every state change in LAO emits one of these; the dashboard,
 * the plain log, the `--json` event stream and the run log all subscribe to
 * the same {@linkcode EventBus}.
 *
 * @module
 */

import type { Role } from "../domain/roles.ts";
import type { PlanStatus, TaskStatus } from "../domain/status.ts";

/**
 * What a run is doing between steps: working on a task, idle (watching for
 * plans), paused (the model server is unavailable; `until` is the next retry),
 * waiting out a rework cooldown, or stopping after a Ctrl+C.
 */
export type RunState = "working" | "idle" | "paused" | "cooldown" | "stopping";

/** Severity of a log event. */
export type LogLevel = "debug" | "info" | "warn" | "error";

/** Every event LAO emits, discriminated by `type`. */
export type LaoEvent =
  | { type: "log"; level: LogLevel; message: string; source?: string }
  | {
    type: "plan.registered";
    planId: string;
    filename: string;
    revisionOf?: string;
    /** An incremental revision: every task of `revisionOf` moved to this plan. */
    tasksMoved?: boolean;
  }
  | {
    type: "plan.status";
    planId: string;
    from: PlanStatus | null;
    to: PlanStatus;
    reason?: string;
  }
  | {
    type: "task.transition";
    taskId: number;
    planId: string;
    from: TaskStatus | null;
    to: TaskStatus;
    reason?: string;
    title?: string;
    attempt?: number;
    maxAttempts?: number;
    /** The files the coder changed (on `coded`: the task's changed files from now on). */
    files?: string[];
    /** The task's feedback when it failed (its findings, one per line). */
    feedback?: string;
  }
  | {
    type: "phase.start";
    phase: string;
    planId?: string;
    taskId?: number;
    title?: string;
    attempt?: number;
    maxAttempts?: number;
    /** The model server the phase runs on, when the run has several slots (issue 16). */
    server?: string;
    /** The server's slot (1-based), with `server`. */
    slot?: number;
  }
  | { type: "phase.end"; phase: string; planId?: string; taskId?: number; ok: boolean }
  | { type: "model.load"; role: Role; model: string; seconds: number; swap: boolean }
  | { type: "model.unload"; model: string; seconds: number }
  | { type: "memory.gate"; reason: string; seconds: number; freedBytes: number }
  | { type: "memory.wait"; availableBytes: number; targetBytes: number; seconds: number }
  | {
    type: "llm.call";
    role: Role;
    model: string;
    promptTokens: number;
    completionTokens: number;
    /** Prompt tokens the server processed (not in its cache), when it reported them. */
    prefillTokens?: number;
    seconds: number;
    ok: boolean;
    error?: string;
  }
  | {
    type: "llm.progress";
    role: Role;
    model: string;
    /** Rough tokens received so far (characters / 4). */
    tokens: number;
    seconds: number;
  }
  | { type: "tool.call"; tool: string; ok: boolean; summary: string; taskId?: number }
  | { type: "git.commit"; subject: string; sha: string; workspace: string }
  | { type: "sandbox.status"; line: string }
  /** Plan fields changed outside a status change (its workspace, preflight report, base commit). */
  | { type: "plan.updated"; planId: string; fields: string[] }
  /** One architect chunk was decomposed (or failed); resumed runs skip completed chunks. */
  | {
    type: "chunk.status";
    planId: string;
    hash: string;
    status: "completed" | "failed";
    error?: string;
  }
  /** Requirement deliverables changed status (in progress on a rework, validated on approval). */
  | { type: "deliverable.status"; planId: string; deliverableIds: string[]; status: string }
  /** A line of the Pilot chat: the user's message, the model's answer, or LAO's own note. */
  | { type: "pilot.message"; role: "user" | "assistant" | "info"; text: string; replay?: boolean }
  /** A piece of the Pilot's answer as it streams in (the whole answer follows as `pilot.message`). */
  | { type: "pilot.delta"; text: string }
  | { type: "run.state"; state: RunState; until?: string; reason?: string };

/** The `type` strings of {@linkcode LaoEvent}. */
export type LaoEventType = LaoEvent["type"];
