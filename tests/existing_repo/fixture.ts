/**
 * A fixture repository for the existing-codebase tests: git run with no
 * user configuration, a few commits, and helpers to read its exact state.
 *
 * @module
 */
import { join } from "node:path";

/** Runs git in `dir` with no system or global configuration; throws on failure. */
export async function git(dir: string, ...args: string[]): Promise<string> {
  const out = await new Deno.Command("git", {
    args: ["-c", "user.name=Fixture", "-c", "user.email=f@example.com", ...args],
    cwd: dir,
    clearEnv: true,
    env: {
      PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
      HOME: dir,
      GIT_CONFIG_NOSYSTEM: "1",
      GIT_CONFIG_GLOBAL: "/dev/null",
      LC_ALL: "C",
      GIT_OPTIONAL_LOCKS: "0",
    },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success) {
    throw new Error(`git ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
  }
  return text;
}

/** Writes files (path → content) under `dir`. */
export async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await Deno.mkdir(join(dir, path, ".."), { recursive: true });
    await Deno.writeTextFile(join(dir, path), content);
  }
}

/**
 * Makes `dir` a repository with an initial commit on `main`, then a branch
 * `feature-x` checked out with a dirty tree: a modified tracked file, a
 * staged change and an untracked file.
 */
export async function dirtyRepo(dir: string): Promise<void> {
  await git(dir, "init", "-q", "--initial-branch=main");
  await writeFiles(dir, {
    ".gitignore": ".lao/\n",
    "app/main.py": "from app.util import helper\n\n\ndef main():\n    return helper()\n",
    "app/util.py": "def helper():\n    return 1\n",
    "README.md": "# app\n",
  });
  await git(dir, "add", ".gitignore", "app", "README.md");
  await git(dir, "commit", "-q", "-m", "initial");
  await git(dir, "checkout", "-q", "-b", "feature-x");
  await writeFiles(dir, { "app/util.py": "def helper():\n    return 2  # work in progress\n" });
  await writeFiles(dir, { "README.md": "# app\n\nstaged note\n" });
  await git(dir, "add", "README.md");
  await writeFiles(dir, { "notes.txt": "my untracked notes\n" });
}

/** Everything about the user's side that LAO must not touch. */
export async function userState(dir: string): Promise<Record<string, string>> {
  const read = (p: string) => Deno.readFile(join(dir, p)).then((b) => Array.from(b).join(","));
  return {
    head: await git(dir, "rev-parse", "HEAD"),
    branch: await git(dir, "symbolic-ref", "HEAD"),
    status: await git(dir, "status", "--porcelain=v1", "--untracked-files=all"),
    index: await read(".git/index"),
    util: await read("app/util.py"),
    main: await read("app/main.py"),
    readme: await read("README.md"),
    notes: await read("notes.txt"),
    refs: await git(
      dir,
      "for-each-ref",
      "--format=%(refname) %(objectname)",
      "refs/heads/main",
      "refs/heads/feature-x",
    ),
  };
}
