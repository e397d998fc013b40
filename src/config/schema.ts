/**
 * The `factory.yaml` schema: every key of the original tool with
 * the same defaults, plus LAO's additions (per-role `base_url`/`api_key`,
 * `server.kind`, `tools.shell`). Validation is strict: unknown keys are
 * reported (as warnings, with a suggestion), wrong types are errors.
 *
 * @module
 */
import { z } from "zod";
import { serversSchema } from "./servers_schema.ts";
import { type Role, ROLES } from "../domain/roles.ts";

/** Model roles LAO knows. */
export { ROLES };

/** One model role's settings. */
export const roleSchema = z.strictObject({
  key: z.string().min(1),
  context_length: z.number().int().min(256).max(10_000_000),
  max_completion: z.number().int().min(0).max(10_000_000),
  supports_tools: z.boolean(),
  size_bytes: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  description: z.string(),
  /** Server root for this role only (defaults to `lm_studio_base_url`). */
  base_url: z.string().url().nullable(),
  /** API key for this role only (defaults to `openai_api_key`). */
  api_key: z.string().nullable(),
});

export { ROLE_DEFAULTS } from "./role_defaults.ts";

const severity = z.enum(["critical", "major", "minor", "info", "blocker"]);

/** A validation profile (`validation_profiles`). */
export const validationProfileSchema = z.strictObject({
  commands: z.array(z.strictObject({ kind: z.string().default("contract"), command: z.string() }))
    .default([]),
  block_on_severities: z.array(severity).default(["critical", "major"]),
  block_min_confidence: z.number().min(0).max(1).default(0.6),
  block_min_confidence_by_analyzer_kind: z.record(z.string(), z.number().min(0).max(1)).default(
    {},
  ),
  block_min_confidence_by_analyzer_id: z.record(z.string(), z.number().min(0).max(1)).default({}),
});

/** One day in seconds: the longest timeout or interval LAO accepts (timers stop at 2^31-1 ms). */
export const MAX_TIMEOUT_S = 86_400;
/** One hour in seconds: the longest backoff base and poll interval LAO accepts. */
export const MAX_INTERVAL_S = 3600;
const seconds = z.number().min(0).max(MAX_TIMEOUT_S);
const positiveInt = z.number().int().min(1);

/** The whole configuration after defaults are applied. */
export const configSchema = z.strictObject({
  lm_studio_base_url: z.string().url(),
  openai_api_key: z.string(),
  total_ram_gb: z.number().positive().max(1_048_576).nullable(),
  server: z.strictObject({
    /** Which model server backend to use; `auto` probes. */
    kind: z.enum(["auto", "lmstudio", "ollama", "llamacpp", "openai"]),
  }),
  /** Model servers with their slots (issue 16); empty: one server from `lm_studio_base_url`. */
  servers: serversSchema,
  paths: z.strictObject({
    plans: z.string(),
    database: z.string(),
    workspace: z.string(),
    /** Where a plan without front matter works: its own new folder, or the config folder (issue 15). */
    plan_workspace: z.enum(["per-plan", "project"]),
  }),
  memory_gate: z.strictObject({
    release_fraction: z.number().min(0).max(1),
    swap_growth_limit_mb: z.number().min(0).max(1_073_741_824),
    settle_timeout_s: seconds,
    poll_interval_s: z.number().min(0.01).max(60),
  }),
  orchestration: z.strictObject({
    model_load_timeout_s: seconds,
    model_load_poll_interval_s: z.number().min(0.01).max(MAX_INTERVAL_S),
    max_task_attempts: positiveInt.max(100),
    plan_watch_interval_s: z.number().min(0.1).max(MAX_TIMEOUT_S),
    llm_request_timeout_s: z.number().min(1).max(MAX_TIMEOUT_S),
    llm_retry_attempts: positiveInt.max(20),
    llm_retry_backoff_base_s: z.number().min(0).max(MAX_INTERVAL_S),
    outage_pause_base_s: z.number().min(0).max(MAX_INTERVAL_S),
    phase_gated: z.boolean(),
    coder_batch_size: positiveInt.max(1000),
    reviewer_batch_size: positiveInt.max(1000),
    max_context_utilization: z.number().gt(0).max(1),
    quality_gate_mode: z.enum(["off", "standard", "strict"]),
    validation_build_cmd: z.string().nullable(),
    validation_lint_cmd: z.string().nullable(),
    validation_profile: z.string(),
    validation_profiles: z.record(z.string(), validationProfileSchema),
    placeholder_max_markers_per_kloc: z.number().min(0).max(1000),
    placeholder_max_ratio: z.number().min(0).max(1000),
    preflight_reserved_tokens: z.number().int().min(0).max(10_000_000),
    strict_adherence: z.boolean(),
    strict_closure_allowed_statuses: z.array(z.string()),
    retry_cooldown_base_s: seconds,
    retry_cap_coder: positiveInt.max(100),
    retry_cap_reviewer: positiveInt.max(100),
    retry_cap_validation: positiveInt.max(100),
    no_progress_repeat_limit: positiveInt.max(100),
    benchmark_min_pass_rate: z.number().min(0).max(1),
    benchmark_fail_on_regression: z.boolean(),
    pilot_mode_enabled: z.boolean(),
    pilot_context_lines: z.number().int().min(0).max(1_000_000),
    /** Seconds without a heartbeat after which another run may take the run lock. */
    run_lock_ttl_s: z.number().min(0.5).max(3600),
  }),
  git: z.strictObject({
    enabled: z.boolean(),
    plan_file_name: z.string().min(1),
    commit_trailers: z.boolean(),
  }),
  tools: z.strictObject({
    shell: z.strictObject({
      /** False: the coder gets no shell tool and validators run no commands. */
      enabled: z.boolean(),
      /** `auto`: best OS sandbox; `required`: refuse to run without one; `off`: no sandbox. */
      sandbox: z.enum(["auto", "required", "off"]),
      /** Network access for sandboxed commands. */
      network: z.boolean(),
      /** Default per-command timeout. */
      timeout_s: z.number().min(1).max(MAX_TIMEOUT_S),
      /** Folders under `$HOME` made visible (read-only) inside the sandbox, e.g. `~/.cargo`. */
      home_allow: z.array(z.string()),
      /** Extra environment variable names passed through to sandboxed commands. */
      env_allow: z.array(z.string()),
      /** Resource limits of each sandboxed command (see docs/SECURITY.md). */
      limits: z.strictObject({
        /** Processes alive at once (pids cgroup when one can be made, and RLIMIT_NPROC). */
        processes: z.number().int().min(8).max(1_000_000),
        /** Memory of the whole command (memory cgroup, swap off) and of each process (RLIMIT_AS). */
        memory_mb: z.number().int().min(64).max(16_777_216),
        /** CPU seconds of each process (RLIMIT_CPU). */
        cpu_seconds: z.number().int().min(1).max(MAX_TIMEOUT_S),
        /** Largest file a command may write (RLIMIT_FSIZE). */
        file_size_mb: z.number().int().min(1).max(16_777_216),
        /** Largest growth of the workspace during one command (the command is stopped). */
        workspace_growth_mb: z.number().int().min(1).max(16_777_216),
        /** Size of each private tmpfs (`/tmp`, `/var/tmp`, `/dev/shm`, the empty home). */
        tmp_mb: z.number().int().min(1).max(16_777_216),
      }),
      /** Optional command rules: first matching program decides. */
      rules: z.strictObject({
        allow: z.array(z.string()),
        ask: z.array(z.string()),
        deny: z.array(z.string()),
      }),
    }),
  }),
  models: z.strictObject({
    planner: roleSchema,
    coder: roleSchema,
    reviewer: roleSchema,
    embedder: roleSchema,
    pilot: roleSchema,
  }),
});

/** Fully resolved configuration (all defaults applied, paths absolute). */
export type Config = z.infer<typeof configSchema>;
/** One role's settings. */
export type RoleConfig = z.infer<typeof roleSchema>;
/** One validation profile. */
export type ValidationProfile = z.infer<typeof validationProfileSchema>;
/** A model role. */
export type RoleName = Role;
