/**
 * LAO's version, read from deno.json.
 *
 * @module
 */
import denoJson from "../../deno.json" with { type: "json" };

/** LAO's version. */
export const VERSION: string = denoJson.version;
