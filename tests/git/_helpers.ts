/**
 * Test helpers: a throw-away folder with its own `HOME` (so the user's git
 * config is never read or written) and a {@linkcode GitRunner} using it.
 *
 * @module
 */
import { join } from "node:path";
import type { LaoEvent } from "../../src/events/types.ts";
import { GitRunner } from "../../src/git/runner.ts";

/** A temporary git sandbox; dispose it to delete everything. */
export interface GitSandbox extends AsyncDisposable {
  /** Root folder (deleted on dispose). */
  root: string;
  /** Environment for git in this sandbox. */
  env: Record<string, string>;
  /** Runner for LAO code under test. */
  runner: GitRunner;
  /** Events captured from LAO code. */
  events: LaoEvent[];
  /** Emit function that records into `events`. */
  emit: (event: LaoEvent) => void;
  /** Runs raw git for test setup/inspection; throws on failure. */
  git(cwd: string, ...args: string[]): Promise<string>;
}

/** Creates a sandbox; `identity: false` leaves `user.name`/`user.email` unset. */
export async function gitSandbox(options: { identity?: boolean } = {}): Promise<GitSandbox> {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "lao_git_test_" }));
  const home = join(root, "home");
  await Deno.mkdir(home);
  const identity = options.identity ?? true;
  const config = "[init]\n\tdefaultBranch = main\n" +
    (identity ? "[user]\n\tname = Test User\n\temail = test@example.com\n" : "");
  await Deno.writeTextFile(join(home, ".gitconfig"), config);
  const env = { HOME: home, GIT_CONFIG_NOSYSTEM: "1" };
  const runner = new GitRunner({ hooksDir: join(root, "empty-hooks"), env });
  const events: LaoEvent[] = [];
  const git = async (cwd: string, ...args: string[]): Promise<string> => {
    const out = await new Deno.Command("git", {
      args: identity ? args : ["-c", "user.name=Setup", "-c", "user.email=setup@x", ...args],
      cwd,
      clearEnv: true,
      env: { ...env, PATH: Deno.env.get("PATH") ?? "", LC_ALL: "C" },
      stdin: "null",
    }).output();
    const text = new TextDecoder().decode(out.stdout);
    if (!out.success) {
      throw new Error(`git ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
    }
    return text;
  };
  return {
    root,
    env,
    runner,
    events,
    emit: (event) => events.push(event),
    git,
    async [Symbol.asyncDispose]() {
      await Deno.remove(root, { recursive: true });
    },
  };
}

/** Subjects of `HEAD`'s history in `cwd`, newest first. */
export async function subjects(box: GitSandbox, cwd: string): Promise<string[]> {
  const out = await box.git(cwd, "log", "--format=%s");
  return out.split("\n").filter((l) => l !== "");
}

/** Files changed by commit `rev` (repository-relative, sorted). */
export async function filesIn(box: GitSandbox, cwd: string, rev = "HEAD"): Promise<string[]> {
  const out = await box.git(cwd, "show", "--name-only", "--format=", rev);
  return out.split("\n").filter((l) => l !== "").sort();
}

/** Warning messages recorded in the sandbox's events. */
export function warnings(box: GitSandbox): string[] {
  return box.events.flatMap((e) => e.type === "log" && e.level === "warn" ? [e.message] : []);
}
