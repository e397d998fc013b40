/**
 * Chooses how `lao run` talks to the terminal.
 *
 * @module
 */

/** The UI modes: NDJSON events, a plain log, or the live dashboard. */
export type UiMode = "json" | "plain" | "dashboard";

/** What the choice depends on. */
export interface UiModeInputs {
  /** `--json` was given. */
  json?: boolean;
  /** `--plain` was given. */
  plain?: boolean;
  /** Value of `LAO_UI_MODE` (`plain` or `rich`; anything else is ignored). */
  envMode?: string;
  /** stdout is a terminal. */
  stdoutIsTty: boolean;
}

/**
 * Picks the UI mode: `--json` wins, then `--plain`, then `LAO_UI_MODE`
 * (`plain` / `rich`), then the dashboard on a TTY and the plain log otherwise.
 *
 * @example
 * ```ts
 * selectUiMode({ stdoutIsTty: false }); // "plain"
 * ```
 */
export function selectUiMode(inputs: UiModeInputs): UiMode {
  if (inputs.json) return "json";
  if (inputs.plain) return "plain";
  const env = inputs.envMode?.trim().toLowerCase();
  if (env === "plain") return "plain";
  if (env === "rich") return "dashboard";
  return inputs.stdoutIsTty ? "dashboard" : "plain";
}
