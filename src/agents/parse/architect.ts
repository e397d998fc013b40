/**
 * Parsing and validation of the architect's task list, tolerant
 * of the variants small models produce: field-name aliases, a single string
 * where an array belongs, a `{"tasks": [...]}` wrapper, prose, fences, think
 * blocks and truncated output. Valid tasks are kept when others are invalid.
 *
 * @module
 */
import { z } from "zod";
import { extractJsonCandidates } from "./json_extract.ts";
import repairTemplate from "./architect_repair.md" with { type: "text" };

/** One validated micro-task, as stored. */
export interface ArchitectTask {
  title: string;
  description: string;
  file_paths: string[];
  /** Titles of tasks this one depends on. */
  dependencies: string[];
  phase: string | null;
  deliverable_ids: string[];
}

/** Result of {@linkcode parseArchitectReply}. */
export interface ArchitectParse {
  /** Every valid task, in reply order. */
  tasks: ArchitectTask[];
  /** One message per problem, e.g. `Task[3]: title must be a non-empty string`. */
  errors: string[];
  /** True when the reply was cut off (the incomplete last task is dropped). */
  truncated: boolean;
}

const ALIASES: Record<keyof ArchitectTask, string[]> = {
  title: ["title", "name", "task", "task_name", "task_title"],
  description: ["description", "desc", "details", "instructions", "summary", "body"],
  file_paths: [
    "file_paths",
    "files",
    "file",
    "path",
    "paths",
    "file_path",
    "filepath",
    "filename",
    "target_files",
  ],
  dependencies: ["dependencies", "depends_on", "deps", "dependency", "requires", "depends"],
  phase: ["phase", "stage"],
  deliverable_ids: [
    "deliverable_ids",
    "deliverables",
    "deliverable_id",
    "requirement_ids",
    "requirements",
  ],
};

/** Longest values LAO accepts per field (the JSON schema says the same to the server). */
export const TASK_LIMITS = {
  title: 200,
  description: 4000,
  path: 300,
  phase: 100,
  deliverable: 64,
} as const;

const NON_EMPTY = "must be a non-empty string";
const STRING_LIST = "must be a list of non-empty strings";
const text = (max: number) =>
  z.string({ error: NON_EMPTY }).trim().min(1, { error: NON_EMPTY })
    .max(max, { error: `must be at most ${max} characters` });
const list = (max: number) =>
  z.array(
    z.string({ error: STRING_LIST }).trim().min(1, { error: STRING_LIST })
      .max(max, { error: `must hold strings of at most ${max} characters` }),
    { error: STRING_LIST },
  );

/** Zod schema of one task after alias normalisation. */
export const architectTaskSchema = z.object({
  title: text(TASK_LIMITS.title),
  description: text(TASK_LIMITS.description),
  file_paths: list(TASK_LIMITS.path),
  dependencies: list(TASK_LIMITS.title),
  phase: z.string({ error: "must be a string or null" }).trim()
    .max(TASK_LIMITS.phase, { error: `must be at most ${TASK_LIMITS.phase} characters` })
    .nullable()
    .transform((p) => (p ? p : null)),
  deliverable_ids: list(TASK_LIMITS.deliverable),
});

/** Maps aliased keys to the canonical ones and lifts single values into lists. */
export function normalizeTaskObject(raw: Record<string, unknown>): Record<string, unknown> {
  const lower = new Map(
    Object.entries(raw).map(([k, v]) => [k.toLowerCase().replace(/[\s-]/g, "_"), v]),
  );
  const pick = (field: keyof ArchitectTask) => {
    for (const alias of ALIASES[field]) if (lower.has(alias)) return lower.get(alias);
    return undefined;
  };
  const asList = (v: unknown) => {
    if (v === undefined || v === null) return [];
    if (typeof v === "number") return [String(v)];
    if (typeof v === "string") return v.trim() ? [v] : [];
    if (Array.isArray(v)) return v.map((x) => (typeof x === "number" ? String(x) : x));
    return v;
  };
  return {
    title: pick("title"),
    description: pick("description"),
    file_paths: asList(pick("file_paths")),
    dependencies: asList(pick("dependencies")),
    phase: pick("phase") === undefined
      ? null
      : typeof pick("phase") === "number"
      ? String(pick("phase"))
      : pick("phase"),
    deliverable_ids: asList(pick("deliverable_ids")),
  };
}

/** Finds the task array inside a parsed value (`[...]`, `{"tasks": [...]}`, or one task object). */
function taskArray(value: unknown): unknown[] | undefined {
  if (Array.isArray(value)) return value;
  if (value === null || typeof value !== "object") return undefined;
  const obj = value as Record<string, unknown>;
  for (const key of ["tasks", "micro_tasks", "microtasks", "items", "plan", "result"]) {
    if (Array.isArray(obj[key])) return obj[key] as unknown[];
  }
  const arrays = Object.values(obj).filter((v) =>
    Array.isArray(v) && v.some((x) => typeof x === "object")
  );
  if (arrays.length === 1) return arrays[0] as unknown[];
  if ("title" in obj || "name" in obj) return [obj];
  return undefined;
}

/** Validates one raw task; returns the task or per-field messages. */
export function validateTask(raw: unknown, index: number): ArchitectTask | string[] {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    return [`Task[${index}]: must be an object`];
  }
  const result = architectTaskSchema.safeParse(normalizeTaskObject(raw as Record<string, unknown>));
  if (result.success) return result.data;
  const messages = result.error.issues.map((issue) => {
    const field = String(issue.path[0] ?? "task");
    const message = issue.message.startsWith("must")
      ? issue.message
      : `is invalid (${issue.message})`;
    return `Task[${index}]: ${field} ${message}`;
  });
  return [...new Set(messages)];
}

/**
 * Parses an architect reply into tasks, keeping every valid one.
 *
 * @example
 * ```ts
 * import { parseArchitectReply } from "./architect.ts";
 * const r = parseArchitectReply('[{"title": "A", "description": "d", "files": "a.ts"}]');
 * r.tasks[0]?.file_paths; // ["a.ts"]
 * ```
 */
export function parseArchitectReply(reply: string): ArchitectParse {
  if (!reply.trim()) return { tasks: [], errors: ["The reply is empty"], truncated: false };
  const candidates = extractJsonCandidates(reply, { prefer: "array" });
  const found = candidates.map((c) => ({ c, arr: taskArray(c.value) })).find((x) => x.arr);
  if (!found?.arr) {
    return {
      tasks: [],
      errors: ["No JSON array of tasks was found in the reply"],
      truncated: false,
    };
  }
  const tasks: ArchitectTask[] = [];
  const errors: string[] = [];
  found.arr.forEach((raw, i) => {
    const checked = validateTask(raw, i);
    if (Array.isArray(checked)) errors.push(...checked);
    else tasks.push(checked);
  });
  if (found.arr.length === 0) errors.push("The task list is empty");
  if (found.c.truncated) errors.push("The reply was cut off; the incomplete last task was dropped");
  return { tasks, errors, truncated: found.c.truncated };
}

const bounded = (max: number) => ({ type: "string", minLength: 1, maxLength: max }) as const;
const boundedList = (max: number) => ({ type: "array", items: bounded(max) }) as const;

/** JSON schema of one task: the checks of {@linkcode architectTaskSchema}, for grammars. */
const taskItemSchema = {
  type: "object",
  properties: {
    title: bounded(TASK_LIMITS.title),
    description: bounded(TASK_LIMITS.description),
    file_paths: boundedList(TASK_LIMITS.path),
    dependencies: boundedList(TASK_LIMITS.title),
    phase: { type: ["string", "null"], maxLength: TASK_LIMITS.phase },
    deliverable_ids: boundedList(TASK_LIMITS.deliverable),
  },
  required: ["title", "description", "file_paths", "dependencies", "phase", "deliverable_ids"],
  additionalProperties: false,
} as const;

/**
 * The task list as a JSON schema, for `response_format` (root is
 * `{"tasks": [...]}`). `minItems: 1`: a grammar-constrained server cannot
 * let a model answer an empty list.
 */
export const architectJsonSchema = {
  type: "object",
  properties: { tasks: { type: "array", minItems: 1, items: taskItemSchema } },
  required: ["tasks"],
  additionalProperties: false,
} as const;

/** The `response_format` request field asking for {@linkcode architectJsonSchema}. */
export const architectResponseFormat = {
  type: "json_schema",
  json_schema: { name: "micro_tasks", strict: true, schema: architectJsonSchema },
} as const;

/** The schema of a continuation after a cut-off answer: the remaining tasks, possibly none. */
export const architectContinueFormat = {
  type: "json_schema",
  json_schema: {
    name: "remaining_micro_tasks",
    strict: true,
    schema: {
      type: "object",
      properties: { tasks: { type: "array", items: taskItemSchema } },
      required: ["tasks"],
      additionalProperties: false,
    },
  },
} as const;

/** The user message of the single repair turn, quoting the exact validation errors. */
export function repairPrompt(errors: readonly string[]): string {
  const list = errors.map((e) => `- ${e}`).join("\n");
  return repairTemplate.replace("{{errors}}", list).trim();
}
