/**
 * Built-in defaults (those of the tool LAO replaces, plus its own), with paths
 * rooted at the config folder.
 *
 * @module
 */
import { join } from "node:path";
import type { Config } from "./schema.ts";
import { ROLE_DEFAULTS } from "./role_defaults.ts";

/** Returns the default configuration for a config folder (absolute path). */
export function defaultConfig(configDir: string): Config {
  return {
    lm_studio_base_url: "http://127.0.0.1:1234",
    openai_api_key: "lm-studio",
    total_ram_gb: null,
    server: { kind: "auto" },
    servers: [],
    paths: {
      plans: join(configDir, "plans"),
      database: join(configDir, ".lao", "state.db"),
      workspace: join(configDir, ".lao", "_misc"),
      plan_workspace: "per-plan",
    },
    memory_gate: {
      release_fraction: 0.75,
      swap_growth_limit_mb: 512,
      settle_timeout_s: 60,
      poll_interval_s: 0.25,
    },
    orchestration: {
      model_load_timeout_s: 180,
      model_load_poll_interval_s: 3,
      max_task_attempts: 3,
      plan_watch_interval_s: 10,
      llm_request_timeout_s: 300,
      llm_retry_attempts: 3,
      llm_retry_backoff_base_s: 5,
      outage_pause_base_s: 2,
      phase_gated: true,
      coder_batch_size: 4,
      reviewer_batch_size: 6,
      max_context_utilization: 0.85,
      quality_gate_mode: "standard",
      validation_build_cmd: null,
      validation_lint_cmd: null,
      validation_profile: "default",
      validation_profiles: {
        default: {
          commands: [],
          block_on_severities: ["critical", "major"],
          block_min_confidence: 0.6,
          block_min_confidence_by_analyzer_kind: {},
          block_min_confidence_by_analyzer_id: {},
        },
      },
      placeholder_max_markers_per_kloc: 3.0,
      placeholder_max_ratio: 0.02,
      preflight_reserved_tokens: 256,
      strict_adherence: false,
      strict_closure_allowed_statuses: ["validated"],
      // 0: a local server is not rate-limited; a remote API may want 30.
      retry_cooldown_base_s: 0,
      retry_cap_coder: 3,
      retry_cap_reviewer: 3,
      retry_cap_validation: 3,
      no_progress_repeat_limit: 2,
      benchmark_min_pass_rate: 0.85,
      benchmark_fail_on_regression: true,
      pilot_mode_enabled: true,
      pilot_context_lines: 50,
      run_lock_ttl_s: 10,
    },
    git: { enabled: true, plan_file_name: "LAO_PLAN.md", commit_trailers: false },
    tools: {
      shell: {
        enabled: true,
        sandbox: "auto",
        network: false,
        timeout_s: 60,
        home_allow: [],
        env_allow: [],
        limits: {
          processes: 512,
          memory_mb: 8192,
          cpu_seconds: 600,
          file_size_mb: 1024,
          workspace_growth_mb: 2048,
          tmp_mb: 512,
        },
        rules: { allow: [], ask: [], deny: [] },
      },
    },
    models: structuredClone(ROLE_DEFAULTS),
  };
}
