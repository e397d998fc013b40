/**
 * Detects a model repeating the same failing tool call and tells it to change
 * approach, before the loop burns the attempt.
 *
 * @module
 */
import type { ToolResult } from "./types.ts";

/** Stable JSON text of a value (object keys sorted). */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a.localeCompare(b)
    );
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** Counts failures per (tool, arguments) and escalates on the second. */
export class RepeatedFailureDetector {
  #failures = new Map<string, number>();
  readonly #threshold: number;

  /** `threshold` = failures of the same call before the hint is added (default 2). */
  constructor(threshold = 2) {
    this.#threshold = threshold;
  }

  /**
   * Records a call's result; returns the result, with a "change approach"
   * note appended once the same failing call reaches the threshold.
   */
  check(name: string, args: unknown, result: ToolResult): ToolResult {
    if (result.ok) return result;
    let parsed = args;
    if (typeof args === "string") {
      try {
        parsed = JSON.parse(args);
      } catch {
        parsed = args;
      }
    }
    const key = `${name}\u0000${stableStringify(parsed)}`;
    const count = (this.#failures.get(key) ?? 0) + 1;
    this.#failures.set(key, count);
    if (count < this.#threshold) return result;
    return {
      ...result,
      output: `${result.output}\n\nNOTE: this exact ${name} call has now failed ${count} times. ` +
        "Do not repeat it. Change approach: re-read the file with file_read, use different arguments, " +
        "or rewrite the whole file with file_write.",
    };
  }

  /** Number of distinct calls that failed at least `threshold` times. */
  get repeatedCount(): number {
    return [...this.#failures.values()].filter((n) => n >= this.#threshold).length;
  }
}
