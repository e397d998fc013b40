/**
 * A sample of what LAO sends models — the planner's and the coder's system
 * prompts — for tokenizer calibration against a server that counts with the
 * model's own tokenizer (llama.cpp). Exported here so the pipeline does not
 * reach into the agents' prompt files.
 *
 * @module
 */
import architectSystem from "./prompts/architect_system.md" with { type: "text" };
import coderSystem from "./prompts/coder_system.md" with { type: "text" };

/** Representative model input: the architect's and the coder's system prompts. */
export const CALIBRATION_TEXT: string = `${architectSystem}\n${coderSystem}`;
