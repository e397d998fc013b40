/**
 * Each model role's default settings (those of the original tool), with no
 * schema library: the defaults load without zod.
 *
 * @module
 */
import type { Role } from "../domain/roles.ts";
import type { RoleConfig } from "./schema.ts";

/** Role defaults (those of the original tool). */
export const ROLE_DEFAULTS: Record<Role, RoleConfig> = {
  planner: {
    key: "qwen_qwen3.5-35b-a3b",
    context_length: 32768,
    max_completion: 16384,
    supports_tools: true,
    size_bytes: 21_513_639_040,
    description: "Decomposes plans into micro-tasks",
    base_url: null,
    api_key: null,
  },
  coder: {
    key: "qwen/qwen3-coder-30b",
    context_length: 16384,
    max_completion: 4096,
    supports_tools: true,
    size_bytes: 17_190_972_664,
    description: "Implements one task with workspace tools",
    base_url: null,
    api_key: null,
  },
  reviewer: {
    key: "deepseek-r1-distill-qwen-32b",
    context_length: 8192,
    max_completion: 2048,
    supports_tools: false,
    size_bytes: 18_500_000_000,
    description: "Reviews each task's change",
    base_url: null,
    api_key: null,
  },
  embedder: {
    key: "text-embedding-nomic-embed-text-v1.5",
    context_length: 2048,
    max_completion: 0,
    supports_tools: false,
    size_bytes: 84_106_624,
    description: "Embeds files for retrieval",
    base_url: null,
    api_key: null,
  },
  pilot: {
    key: "qwen_qwen3.5-35b-a3b",
    context_length: 32768,
    max_completion: 16384,
    supports_tools: true,
    size_bytes: 21_513_639_040,
    description: "Interactive chat agent",
    base_url: null,
    api_key: null,
  },
};
