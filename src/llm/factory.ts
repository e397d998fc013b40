/**
 * Builds the LLM client for a role, honouring per-role `base_url` and
 * `api_key`, with the configured timeout and retry policy.
 *
 * @module
 */
import type { Config, RoleName } from "../config/schema.ts";
import { clampTimeoutMs, createOpenAiClient } from "./openai_client.ts";
import { retryingClient } from "./retry.ts";
import type { LlmClient } from "./types.ts";

/** Where a role's requests go. */
export interface RoleEndpoint {
  /** Server root without `/v1`. */
  baseUrl: string;
  /** API key. */
  apiKey: string;
}

/** Where `role`'s API key is set, for "check the API key" messages. */
export function keyHint(config: Config, role: RoleName): string {
  return config.models[role].api_key != null
    ? `models.${role}.api_key in factory.yaml`
    : "openai_api_key in factory.yaml or the OPENAI_API_KEY environment variable";
}

/** Returns the server root and key for `role`. */
export function roleEndpoint(config: Config, role: RoleName): RoleEndpoint {
  const model = config.models[role];
  return {
    baseUrl: (model.base_url ?? config.lm_studio_base_url).replace(/\/+$/, ""),
    apiKey: model.api_key ?? config.openai_api_key,
  };
}

/** Options of {@linkcode clientForRole}. */
export interface ClientForRoleOptions {
  /** Aborts retries and calls. */
  signal?: AbortSignal;
  /** Retry callback (for logging). */
  onRetry?: Parameters<typeof retryingClient>[1]["onRetry"];
}

/** Returns a retrying client for `role`, configured from `config.orchestration`. */
export function clientForRole(
  config: Config,
  role: RoleName,
  options: ClientForRoleOptions = {},
): LlmClient {
  const endpoint = roleEndpoint(config, role);
  const o = config.orchestration;
  return retryingClient(
    createOpenAiClient({
      baseUrl: endpoint.baseUrl,
      apiKey: endpoint.apiKey,
      // Clamped again by the client: a huge value must not overflow the timer.
      timeoutMs: clampTimeoutMs(o.llm_request_timeout_s * 1000),
      defaultMaxTokens: config.models[role].max_completion || undefined,
      keyHint: keyHint(config, role),
    }),
    {
      attempts: o.llm_retry_attempts,
      baseDelayMs: o.llm_retry_backoff_base_s * 1000,
      signal: options.signal,
      onRetry: options.onRetry,
    },
  );
}

/** Returns one client per distinct endpoint, shared by the roles that use it. */
export function clientsByRole(
  config: Config,
  roles: readonly RoleName[],
  options: ClientForRoleOptions = {},
): Map<RoleName, LlmClient> {
  const byEndpoint = new Map<string, LlmClient>();
  const result = new Map<RoleName, LlmClient>();
  for (const role of roles) {
    const e = roleEndpoint(config, role);
    const id = `${e.baseUrl}\n${e.apiKey}`;
    const client = byEndpoint.get(id) ?? clientForRole(config, role, options);
    byEndpoint.set(id, client);
    result.set(role, client);
  }
  return result;
}
