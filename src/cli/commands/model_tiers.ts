/**
 * The model keys `lao init` suggests for a machine's memory tier.
 *
 * @module
 */

/**
 * Model keys suggested for a machine with `ramGb` of memory: under 24 GB the
 * 7B models for every role, under 64 GB the defaults (an empty record), from
 * 64 GB a larger reviewer.
 */
export function suggestedModels(ramGb: number): Record<string, string> {
  if (ramGb < 24) {
    return {
      planner: "qwen2.5-7b-instruct",
      coder: "qwen2.5-coder-7b-instruct",
      reviewer: "qwen2.5-7b-instruct",
      pilot: "qwen2.5-7b-instruct",
    };
  }
  if (ramGb < 64) return {};
  return { reviewer: "deepseek/deepseek-r1" };
}
