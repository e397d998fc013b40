/**
 * The environment given to shell-tool commands: cleared, then rebuilt from
 * an allowlist. Secret-looking names are never passed, even when allowlisted.
 *
 * @module
 */

/** Names always passed through when set in the parent. */
export const BASE_ENV_ALLOW: readonly string[] = [
  "PATH",
  "LANG",
  "LC_ALL",
  "TERM",
  "USER",
];

/** True for names that look like credentials (`*_KEY`, `*_TOKEN`, `*_SECRET`, `*PASSWORD*`). */
export function isSecretName(name: string): boolean {
  const n = name.toUpperCase();
  return n === "OPENAI_API_KEY" || n.endsWith("_KEY") || n.endsWith("_TOKEN") ||
    n.endsWith("_SECRET") || n.includes("PASSWORD") || n.endsWith("_KEYS") ||
    n.endsWith("_TOKENS") || n.endsWith("_SECRETS") || n.endsWith("_CREDENTIALS");
}

/** Inputs of {@linkcode buildShellEnv}. */
export interface ShellEnvInput {
  /** Reads one parent variable; must return undefined when unreadable. */
  getEnv: (name: string) => string | undefined;
  /** Extra names from `tools.shell.env_allow`. */
  envAllow: readonly string[];
  /** Value of `HOME` inside the command. */
  home: string;
  /** Value of `TMPDIR` inside the command. */
  tmpdir: string;
  /** Sandbox backend name, exported as `LAO_SANDBOX`. */
  sandbox: string;
  /** Whether the network is off (exports `LAO_SANDBOX_NETWORK_DISABLED=1`). */
  networkDisabled: boolean;
}

/** Reads a parent variable, treating a permission refusal as unset. */
export function readParentEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
}

/** Builds the allowlisted environment of a shell-tool command. */
export function buildShellEnv(input: ShellEnvInput): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of [...BASE_ENV_ALLOW, ...input.envAllow]) {
    if (isSecretName(name) || name.startsWith("LD_") || name.startsWith("DYLD_")) continue;
    const value = input.getEnv(name);
    if (value !== undefined) env[name] = value;
  }
  env.PATH ??= "/usr/local/bin:/usr/bin:/bin";
  env.TERM = "dumb";
  env.HOME = input.home;
  env.TMPDIR = input.tmpdir;
  env.PAGER = "cat";
  env.GIT_PAGER = "cat";
  env.GIT_TERMINAL_PROMPT = "0";
  env.LAO_SANDBOX = input.sandbox;
  if (input.networkDisabled) env.LAO_SANDBOX_NETWORK_DISABLED = "1";
  return env;
}
