/**
 * Optional allow/ask/deny rules for shell commands (`tools.shell.rules`).
 * Commands are split with a real shell parser (`shell-quote`), never with
 * regexes: pipelines, `&&`, `||`, `;`, `&`, subshells and `$(...)` all start
 * a new simple command. Each command's program is the first word after
 * `VAR=value` assignments (basename, so `/bin/rm` is `rm`); wrappers such as
 * `env`, `sudo`, `xargs`, `nice` and `sh -c '...'` are looked through.
 *
 * Rules match a program (`rm`) or a program and its first argument
 * (`git push`). Deny wins over ask, ask over allow; unmatched commands are
 * allowed (the OS sandbox is the wall; rules are a second, advisory layer).
 *
 * @module
 */
import { parse } from "shell-quote";

/** A rule decision. */
export type RuleDecision = "allow" | "ask" | "deny";

/** The three rule lists. */
export interface CommandRules {
  /** Rules that allow. */
  allow: readonly string[];
  /** Rules that need confirmation. */
  ask: readonly string[];
  /** Rules that refuse. */
  deny: readonly string[];
}

/** The verdict on a whole command line. */
export interface RuleVerdict {
  /** Strongest decision over all simple commands. */
  decision: RuleDecision;
  /** The rule that decided, when one matched. */
  rule?: string;
}

const WRAPPERS = new Set([
  "env",
  "command",
  "exec",
  "nice",
  "nohup",
  "time",
  "timeout",
  "sudo",
  "doas",
  "xargs",
  "stdbuf",
  "builtin",
]);
const SHELLS = new Set(["sh", "bash", "dash", "zsh", "ksh"]);

/** Splits a command line into simple commands (word lists). */
export function splitCommands(line: string): string[][] {
  // Backticks are command substitution; treat them as separators.
  const tokens = parse(line.replaceAll("`", " ; "), (name: string) => `$${name}`);
  const out: string[][] = [];
  let current: string[] = [];
  const flush = () => {
    if (current.length > 0) out.push(current);
    current = [];
  };
  for (const t of tokens) {
    if (typeof t === "string") {
      current.push(t);
    } else if ("op" in t && t.op === "glob" && "pattern" in t) {
      current.push(String(t.pattern));
    } else if ("op" in t) {
      if (t.op === "(" && current.at(-1) === "$") current.pop();
      if (["<", ">", ">>", ">&", "<&", "<>", ">|"].includes(t.op)) {
        current.push(`\u0000redirect`); // the next word is a file, not an argument
        continue;
      }
      flush();
    }
  }
  flush();
  return out.map((words) => dropRedirects(words));
}

/** Removes redirection targets (and fd numbers before them) from a word list. */
function dropRedirects(words: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    if (words[i] === "\u0000redirect") {
      i++;
      continue;
    }
    if (/^\d+$/.test(words[i] ?? "") && words[i + 1] === "\u0000redirect") continue;
    out.push(words[i] ?? "");
  }
  return out;
}

/** Returns the program invocations in one simple command (looking through wrappers). */
export function programsOf(words: readonly string[]): string[][] {
  let i = 0;
  while (i < words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i] ?? "")) i++;
  const rest = words.slice(i);
  const first = rest[0];
  if (first === undefined) return [];
  const program = first.split("/").at(-1) ?? first;
  const found: string[][] = [[program, ...rest.slice(1)]];
  if (SHELLS.has(program)) {
    const c = rest.indexOf("-c");
    const script = c >= 0 ? rest[c + 1] : undefined;
    if (script !== undefined) {
      for (const cmd of splitCommands(script)) found.push(...programsOf(cmd));
    }
  } else if (program === "eval") {
    for (const cmd of splitCommands(rest.slice(1).join(" "))) found.push(...programsOf(cmd));
  } else if (WRAPPERS.has(program)) {
    let j = 1;
    while (j < rest.length && (rest[j]?.startsWith("-") || /^\d/.test(rest[j] ?? ""))) j++;
    found.push(...programsOf(rest.slice(j)));
  }
  return found;
}

/** True when `rule` ("rm" or "git push") matches the invocation `[program, ...args]`. */
function matches(rule: string, invocation: readonly string[]): boolean {
  const parts = rule.trim().split(/\s+/);
  return parts.every((p, i) => invocation[i] === p);
}

/** Decides on a whole command line: deny wins, then ask, then allow. */
export function evaluateCommand(line: string, rules: CommandRules): RuleVerdict {
  const invocations = splitCommands(line).flatMap((words) => programsOf(words));
  for (const decision of ["deny", "ask", "allow"] as const) {
    for (const rule of rules[decision]) {
      if (invocations.some((inv) => matches(rule, inv))) return { decision, rule };
    }
  }
  return { decision: "allow" };
}
