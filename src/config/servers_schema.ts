/**
 * The `servers:` list of `factory.yaml` (issue 16): the model servers a run
 * may use, each with its own slots (concurrent requests on one loaded model)
 * and the roles it serves. An empty list means one server made from
 * `lm_studio_base_url`, `openai_api_key` and `server.kind`, with one slot:
 * LAO's behaviour before servers existed.
 *
 * @module
 */
import { z } from "zod";

/** Role names a server may be limited to (the same list as `models:`). */
const SERVER_ROLES = ["planner", "coder", "reviewer", "embedder", "pilot"] as const;

/** One model server. */
export const serverSchema = z.strictObject({
  /** Name shown in events, the dashboard and `lao health` (unique). */
  name: z.string().min(1).max(64),
  /** Server root without `/v1`. */
  base_url: z.string().url(),
  /** Backend; `auto` probes it like `server.kind`. */
  kind: z.enum(["auto", "lmstudio", "ollama", "llamacpp", "openai"]).default("auto"),
  /** Bearer key (default: `openai_api_key`). */
  api_key: z.string().nullable().default(null),
  /** Concurrent requests; `auto` reads llama.cpp `/props` `total_slots`, else 1. */
  slots: z.union([z.number().int().min(1).max(256), z.literal("auto")]).default("auto"),
  /** Roles this server serves (default: all). */
  roles: z.array(z.enum(SERVER_ROLES)).nullable().default(null),
});

/** One configured server, defaults applied. */
export type ServerConfig = z.infer<typeof serverSchema>;

/** The `servers:` list: names must be unique. */
export const serversSchema = z.array(serverSchema).max(32).refine(
  (list) => new Set(list.map((s) => s.name)).size === list.length,
  { message: "server names must be unique" },
);
