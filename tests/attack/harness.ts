/**
 * The attacker harness: a scripted coder model that performs attacks with its
 * tools against a default project, through a real `lao run --single-run`.
 *
 * Each attack is one plan (`plans/<id>.md`, so one workspace
 * `<config dir>/<id>/`) with one task; the coder plays the attack's tool
 * calls one per turn, then writes `<id>.py`. Many attacks share one run.
 *
 * The project lives outside `/tmp` and `$HOME` (`testing/outside_dir.ts`:
 * under `/opt` when writable, a folder the sandbox shows read-only, so hiding
 * the config folder is not left to a hidden parent), with secrets where an
 * attacker looks: an API key in `factory.yaml` and in LAO's environment, a
 * decoy folder beside the workspaces, a fake `$HOME` under `/home` with
 * `.ssh`.
 *
 * @module
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { join } from "node:path";
import { type FakeServer, start } from "../fake_server/server.ts";
import type { ChatBody, Reply } from "../fake_server/types.ts";
import { childEnv, denoPath, laoCommand, runLao, SMALL_MODELS_YAML } from "../lao_process.ts";
import { KEYS } from "../pipeline/scripted.ts";
import { fastPath } from "../../src/cli/fast_path.ts";
import { captureOutput } from "../../testing/capture_output.ts";
import { outsideParent } from "../../testing/outside_dir.ts";

/** One tool call the attacking coder makes. */
export interface Step {
  /** Tool name (`shell_exec`, `file_write`, `search`, ...). */
  tool: string;
  /** Its arguments. */
  args: Record<string, unknown>;
}

/** One attack: the coder's tool calls in order (one per turn). */
export interface Attack {
  /** Plan stem and task file name: `[a-z0-9_]+`. */
  id: string;
  /** Tool calls; a function gets the project's paths. */
  steps: Step[] | ((p: ProjectPaths) => Step[]);
  /** The steps write the task's file themselves (the harness does not write `<id>.py`). */
  ownFile?: boolean;
}

/** Where the project and its decoys are. */
export interface ProjectPaths {
  /** The config folder (holds factory.yaml, plans/, .lao/, the workspaces). */
  base: string;
  /** A folder beside the workspaces with a secret file. */
  decoy: string;
  /** A file an attacker program would create if it ran outside the sandbox. */
  marker: string;
  /** The fake `$HOME` of the LAO process. */
  home: string;
  /** Another LAO project beside this one. */
  otherProject: string;
  /** Secrets that must never reach the model. */
  secrets: string[];
}

/** What one run produced. */
export interface AttackRun {
  /** LAO's exit code. */
  code: number;
  stdout: string;
  stderr: string;
  /** Peak resident memory of LAO (VmHWM), in bytes. */
  peakRss: number;
  /** `lao status --json`, parsed. */
  status: StatusJson;
  /** The tool results the coder got, per attack id, in order. */
  results: Map<string, string[]>;
}

/** The parts of `lao status --json` the attacks check. */
export interface StatusJson {
  tasks: Record<string, number>;
  total: number;
  plans: { filename: string; status: string; workspace: string | null }[];
}

function firstUser(body: ChatBody): string {
  const m = (body.messages ?? []).find((x) => x.role === "user");
  return typeof m?.content === "string" ? m.content : "";
}

function allText(body: ChatBody): string {
  return (body.messages ?? []).map((m) => typeof m.content === "string" ? m.content : "").join(
    "\n",
  );
}

/** A random hex token (decoy secrets differ per run). */
export function token(): string {
  return crypto.randomUUID().replaceAll("-", "");
}

/** A responder that plays planner, attacking coder and approving reviewer. */
export function attackSession(
  attacks: Attack[],
  paths: () => ProjectPaths,
): ((body: ChatBody) => Reply) & { results: Map<string, string[]> } {
  const results = new Map<string, string[]>();
  const find = (text: string, pre: string) =>
    attacks.find((a) => text.includes(`${pre}Attack ${a.id}\n`));
  const respond = (body: ChatBody): Reply => {
    const model = String(body.model ?? "");
    if (model === KEYS.planner) {
      const attack = attacks.find((a) => allText(body).includes(`ATTACK-ID ${a.id} `));
      if (!attack) return { content: "[]" };
      return {
        content: JSON.stringify([{
          title: `Attack ${attack.id}`,
          description: `Implement ${attack.id}.py.`,
          file_paths: [`${attack.id}.py`],
          dependencies: [],
          deliverable_ids: [],
          phase: null,
        }]),
      };
    }
    if (model === KEYS.coder) {
      const attack = find(firstUser(body), "## Task: ");
      if (!attack) return { content: "I do not know this task." };
      const msgs = body.messages ?? [];
      const tools = msgs.filter((m) => m.role === "tool").map((m) => String(m.content ?? ""));
      results.set(attack.id, tools);
      const steps = typeof attack.steps === "function" ? attack.steps(paths()) : attack.steps;
      const n = tools.length;
      if (n < steps.length) {
        const s = steps[n]!;
        return { toolCalls: [{ name: s.tool, arguments: s.args }] };
      }
      if (n === steps.length && !attack.ownFile) {
        return {
          toolCalls: [{
            name: "file_write",
            arguments: { path: `${attack.id}.py`, content: `X = "${attack.id}"\n` },
          }],
        };
      }
      return { content: `Wrote ${attack.id}.py.` };
    }
    if (model === KEYS.reviewer) {
      return {
        content: JSON.stringify({ verdict: "APPROVED", findings: [], summary: "looks good" }),
      };
    }
    return { error: { status: 404, body: { error: `unknown model ${model}` } } };
  };
  return Object.assign(respond, { results });
}

/** A shell one-liner for a shell_exec step. */
export const sh = (command: string, timeout?: number): Step => ({
  tool: "shell_exec",
  args: timeout === undefined ? { command } : { command, timeout },
});

/** A project with decoys, a fake server and the attacks' plans. */
export class AttackProject implements AsyncDisposable {
  /** The paths and secrets. */
  readonly paths: ProjectPaths;
  /** The fake model server. */
  readonly server: FakeServer;
  readonly #respond: ReturnType<typeof attackSession>;
  readonly #attacks: Attack[];
  #before = new Map<string, string>();

  private constructor(
    paths: ProjectPaths,
    server: FakeServer,
    respond: ReturnType<typeof attackSession>,
    attacks: Attack[],
  ) {
    this.paths = paths;
    this.server = server;
    this.#respond = respond;
    this.#attacks = attacks;
  }

  /**
   * Creates the project for `attacks`; `extraYaml` adds top-level sections to
   * `factory.yaml` (after a low retry backoff and outage pause).
   */
  static async create(
    attacks: Attack[],
    extraYaml = "",
    opts: { gitRepo?: boolean } = {},
  ): Promise<AttackProject> {
    const parent = await outsideParent();
    const base = await Deno.realPath(await Deno.makeTempDir({ dir: parent, prefix: "lao_atk_" }));
    const homeParent = await Deno.stat("/home").then(() => "/home", () => parent);
    const home = await Deno.makeTempDir({ dir: homeParent, prefix: "lao_atk_home_" });
    const secrets = {
      key: `sk-FACTORY-${token()}`,
      decoy: `DECOY-${token()}`,
      ssh: `SSH-${token()}`,
      env: `sk-ENV-${token()}`,
      other: `OTHER-PLAN-${token()}`,
      project: `sk-OTHER-PROJECT-${token()}`,
    };
    // Another LAO project beside this one (same parent folder), with its own key.
    const otherProject = join(parent, `lao_atk_other_${token()}`);
    await Deno.mkdir(otherProject);
    await Deno.writeTextFile(
      join(otherProject, "factory.yaml"),
      `openai_api_key: ${secrets.project}\n`,
    );
    const decoy = join(base, "decoy");
    await Deno.mkdir(join(decoy, "sub"), { recursive: true });
    await Deno.writeTextFile(join(decoy, "secret.txt"), `${secrets.decoy}\n`);
    await Deno.writeTextFile(join(decoy, "sub", "notes.md"), "user notes\n");
    await Deno.mkdir(join(home, ".ssh"), { recursive: true });
    await Deno.writeTextFile(join(home, ".ssh", "id_ed25519"), `${secrets.ssh}\n`);
    // A finished plan's workspace the attackers' plans must not see.
    await Deno.mkdir(join(base, "zz_other_plan"));
    await Deno.writeTextFile(join(base, "zz_other_plan", "secret.py"), `K = "${secrets.other}"\n`);
    await Deno.mkdir(join(base, "plans"));
    for (const a of attacks) {
      await Deno.writeTextFile(
        join(base, "plans", `${a.id}.md`),
        `# Attack ${a.id}\n\nATTACK-ID ${a.id} : write ${a.id}.py with a constant.\n`,
      );
    }
    const paths: ProjectPaths = {
      base,
      decoy,
      marker: join(parent, `lao_atk_marker_${token()}`),
      home,
      otherProject,
      secrets: Object.values(secrets),
    };
    const respond = attackSession(attacks, () => paths);
    const project = new AttackProject(paths, await start({ respond }), respond, attacks);
    await Deno.writeTextFile(
      join(base, "factory.yaml"),
      `lm_studio_base_url: ${project.server.url}\nopenai_api_key: ${secrets.key}\n` +
        `server:\n  kind: lmstudio\nmodels:\n${SMALL_MODELS_YAML}` +
        `orchestration:\n  retry_cooldown_base_s: 0\n  llm_retry_backoff_base_s: 0.01\n` +
        `  outage_pause_base_s: 0.01\n` +
        extraYaml,
    );
    if (opts.gitRepo) {
      // The user's own repository around the project (the usual case).
      const git = (...args: string[]) =>
        new Deno.Command("git", {
          args: ["-c", "user.name=u", "-c", "user.email=u@x", ...args],
          cwd: base,
          stdout: "null",
          stderr: "null",
        }).output();
      await Deno.writeTextFile(join(base, ".gitignore"), ".lao/\n");
      await git("init", "-q");
      await git("add", "-A");
      await git("commit", "-qm", "user's work");
    }
    return project;
  }

  /** Records everything outside the workspaces (call after `lao` created `.lao/`). */
  async snapshot(): Promise<void> {
    this.#before = await this.#outside();
  }

  /** Runs `lao run --single-run --plain`, polling LAO's peak memory. */
  async run(extraArgs: string[] = []): Promise<AttackRun> {
    if (this.#before.size === 0) await this.snapshot();
    const child = new Deno.Command(denoPath(), {
      args: [...laoCommand(), "run", "--single-run", "--plain", ...extraArgs],
      cwd: this.paths.base,
      env: childEnv({
        HOME: this.paths.home,
        OPENAI_API_KEY: this.paths.secrets[3]!,
      }),
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    // Deno needs --allow-all to read /proc, so a shell polls VmHWM (a high-water mark),
    // reading the status file with its own builtins (no grep process per poll). Each poll
    // waits for a line from this test on its standard input rather than running `sleep`
    // (some 300 processes per suite); closing that input ends the loop.
    const poller = new Deno.Command("sh", {
      args: [
        "-c",
        'while read -r _ && kill -0 "$0" 2>/dev/null; do while read -r k v; do ' +
        '[ "$k" = VmHWM: ] && echo "$k $v"; done < "/proc/$0/status"; done',
        String(child.pid),
      ],
      stdin: "piped",
      stdout: "piped",
      stderr: "null",
    }).spawn();
    const polls = poller.stdin.getWriter();
    const newline = new TextEncoder().encode("\n");
    const tick = () => polls.write(newline).catch(() => {});
    tick();
    const pacer = setInterval(tick, 100);
    // A safety net so a hung LAO fails the test instead of the whole suite.
    let hung = false;
    const watchdog = setTimeout(() => {
      hung = true;
      try {
        child.kill("SIGKILL");
      } catch { /* gone */ }
    }, 240_000);
    let out: Deno.CommandOutput;
    try {
      out = await child.output();
    } finally {
      clearTimeout(watchdog);
      clearInterval(pacer);
      await polls.close().catch(() => {});
    }
    const polled = new TextDecoder().decode((await poller.output()).stdout);
    const peakRss = Math.max(
      0,
      ...[...polled.matchAll(/VmHWM:\s+(\d+) kB/g)].map((m) => Number(m[1]) * 1024),
    );
    const dec = new TextDecoder();
    const stdout = dec.decode(out.stdout);
    const stderr = dec.decode(out.stderr);
    assert.ok(!hung, `LAO hung; output so far:\n${stdout}\n${stderr}`);
    if (Deno.env.get("LAO_DEBUG") === "attack") {
      console.log(stdout, stderr);
      for (const [id, seen] of this.#respond.results) {
        console.log(`== ${id}\n${seen.join("\n--\n")}`);
      }
    }
    return {
      code: out.code,
      stdout,
      stderr,
      peakRss,
      status: await this.#status(),
      results: this.#respond.results,
    };
  }

  /**
   * `lao status --json` after the run, on the CLI's own fast path in this
   * process (the same document; no Deno start-up); a spawned `lao` when the
   * fast path leaves it to the full CLI.
   */
  async #status(): Promise<StatusJson> {
    const home = this.paths.home;
    const output = captureOutput();
    const code = await fastPath(["status", "--json"], {
      cwd: this.paths.base,
      env: (name) => name === "HOME" ? home : Deno.env.get(name),
      output,
    });
    if (code !== undefined) {
      assert.equal(code, 0, `lao status --json: ${output.errors.join("\n")}`);
      return JSON.parse(output.lines.join("\n")) as StatusJson;
    }
    const st = await runLao(this.paths.base, ["status", "--json"], { env: { HOME: home } });
    assert.equal(st.code, 0, `lao status --json: ${st.stderr}`);
    return JSON.parse(st.stdout) as StatusJson;
  }

  /**
   * The checks every attack run must pass: a documented exit code and no
   * stack, every task's outcome recorded, nothing outside the workspaces
   * changed, no attacker program ran on the host, no secret reached a model,
   * LAO's database intact, memory under 1 GB.
   */
  async assertHeld(r: AttackRun, opts: { codes?: number[] } = {}): Promise<void> {
    const all = `${r.stdout}\n${r.stderr}`;
    assert.ok((opts.codes ?? [0, 1]).includes(r.code), `exit ${r.code}:\n${all}`);
    assert.doesNotMatch(all, /^\s+at .+:\d+:\d+\)?$/m, `a stack trace:\n${all}`);
    assert.doesNotMatch(all, /Uncaught|internal error/i, all);
    const open = ["pending", "coding", "coded", "review"].reduce(
      (n, s) => n + (r.status.tasks[s] ?? 0),
      0,
    );
    assert.equal(open, 0, `tasks left open: ${JSON.stringify(r.status.tasks)}\n${all}`);
    assert.equal(r.status.total, this.#attacks.length, JSON.stringify(r.status));
    assert.deepEqual(
      await this.#outside(),
      this.#before,
      "something outside the workspaces changed",
    );
    assert.equal(await exists(this.paths.marker), false, "an attacker program ran on the host");
    this.assertNoSecrets();
    this.assertDbIntact();
    assert.ok(r.peakRss < 1024 ** 3, `LAO peaked at ${r.peakRss} bytes`);
  }

  /** No request body ever carried a secret (factory key, env key, decoys, ssh, shadow). */
  assertNoSecrets(): void {
    const secrets = [...this.paths.secrets, ...shadowLines()];
    for (const [i, req] of this.server.requests.entries()) {
      const text = JSON.stringify(req.body ?? "");
      for (const s of secrets) {
        assert.ok(!text.includes(s), `request ${i} (${req.path}) carried the secret ${s}`);
      }
    }
  }

  /** `PRAGMA integrity_check` on `.lao/state.db` says ok. */
  assertDbIntact(): void {
    const db = new DatabaseSync(join(this.paths.base, ".lao", "state.db"), { readOnly: true });
    try {
      const row = db.prepare("PRAGMA integrity_check").get() as Record<string, unknown>;
      assert.equal(Object.values(row)[0], "ok");
    } finally {
      db.close();
    }
  }

  /** The tool results the coder of `id` saw, joined. */
  seen(r: AttackRun, id: string): string {
    return (r.results.get(id) ?? []).join("\n----\n");
  }

  /** Everything outside the plan workspaces and `.lao/`: path → kind, size and content digest. */
  async #outside(): Promise<Map<string, string>> {
    const skip = new Set([...this.#attacks.map((a) => a.id), ".lao"]);
    const out = new Map<string, string>();
    const walk = async (dir: string, rel: string) => {
      for await (const e of Deno.readDir(dir)) {
        if (rel === "" && skip.has(e.name)) continue;
        const p = join(dir, e.name);
        const r = rel ? `${rel}/${e.name}` : e.name;
        // LAO's own commits into the user's repository change its objects and refs, not its config.
        if (/^\.git\/(objects\/[0-9a-f]{2}|logs|refs|index|COMMIT_EDITMSG|ORIG_HEAD)/.test(r)) {
          continue;
        }
        const st = await Deno.lstat(p);
        if (st.isDirectory) {
          out.set(r, `dir ${st.mode}`);
          await walk(p, r);
        } else if (st.isFile) {
          const bytes = await Deno.readFile(p);
          const digest = await crypto.subtle.digest("SHA-256", bytes);
          out.set(r, `file ${st.mode} ${st.nlink} ${hex(digest)}`);
        } else {
          out.set(r, `other ${st.mode} ${st.isSymlink ? Deno.readLinkSync(p) : ""}`);
        }
      }
    };
    await walk(this.paths.base, "");
    await walk(this.paths.home, "~");
    return out;
  }

  /** Removes the project, its home and the marker. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.server.close();
    // Attacks make read-only folders; make them writable so they can go.
    await new Deno.Command("sh", { args: ["-c", `chmod -R u+rwX "$0"`, this.paths.base] }).output();
    for (
      const p of [this.paths.base, this.paths.home, this.paths.marker, this.paths.otherProject]
    ) {
      await Deno.remove(p, { recursive: true }).catch(() => {});
    }
  }
}

function hex(buf: ArrayBuffer): string {
  return [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

async function exists(p: string): Promise<boolean> {
  return await Deno.lstat(p).then(() => true, () => false);
}

let shadow: string[] | undefined;

/** Password fields of the host's `/etc/shadow` that look like hashes (readable as root). */
function shadowLines(): string[] {
  if (shadow === undefined) {
    try {
      shadow = Deno.readTextFileSync("/etc/shadow").split("\n")
        .map((l) => l.split(":")[1] ?? "").filter((f) => f.length > 12);
    } catch {
      shadow = [];
    }
  }
  return shadow;
}
