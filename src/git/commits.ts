/**
 * {@linkcode PlanGit}: one per plan workspace. Writes LAO's snapshot files
 * (`LAO_PLAN.md`, `LAO_TASKS.json`, `LAO_REVIEW.log`) and records each phase
 * as a commit with the subjects of `message.ts`. Each commit contains exactly the
 * files of that phase. Problems become `log` warnings; nothing throws.
 *
 * The coder and reviewer commits can be queued ({@linkcode PlanGit.queueCoder},
 * {@linkcode PlanGit.queueReview}): they land in the background, in order, on
 * the workspace's {@linkcode CommitQueue}, recorded in a journal until they do
 * (`pending_journal.ts` says what a kill loses and how the next run makes
 * them); every other call waits for them (see `commit_queue.ts`).
 *
 * @module
 */
import type { Config } from "../config/schema.ts";
import type { Emit } from "../events/bus.ts";
import { errorMessage } from "../errors.ts";
import { commitFiles, normalizeFiles } from "./commit_files.ts";
import { CommitQueue, type Trailing } from "./commit_queue.ts";
import { detectLanguages } from "./gitignore.ts";
import {
  type CommitAgent,
  firstLine,
  formatBody,
  formatSubject,
  planSnapshot,
  reviewSummary,
} from "./message.ts";
import type {
  ArchitectInput,
  CoderInput,
  CommitResult,
  PlanGitPort,
  PlanSnapshotInput,
  ReviewInput,
  UndoResult,
} from "./port.ts";
import { type NewEntry, type PendingEntry, PendingJournal } from "./pending_journal.ts";
import { prepareRepo, type RepoInfo } from "./repo.ts";
import type { GitRunner } from "./runner.ts";
import { undoTask } from "./undo.ts";
import { WorkspaceError } from "../workspace/workspace_fs.ts";
import { type WorkspaceIo, workspaceIo } from "../workspace/guarded_io.ts";

/** File names LAO writes into the plan workspace. */
export const TASKS_FILE = "LAO_TASKS.json";
/** The review log file. */
export const REVIEW_LOG = "LAO_REVIEW.log";

/** Options for {@linkcode PlanGit}. */
export interface PlanGitOptions {
  /** The plan workspace (absolute path). */
  workspace: string;
  /** Git runner (shared by all plans; carries the hook-free environment). */
  runner: GitRunner;
  /** `git` section of the config (`plan_file_name`, `commit_trailers`). */
  git?: Pick<Config["git"], "plan_file_name" | "commit_trailers">;
  /** Receives `git.commit` events and warnings. */
  emit?: Emit;
  /** Plan languages for a new `.gitignore` (guessed from the plan text when omitted). */
  languages?: readonly string[];
  /** The plan id used by {@linkcode PlanGit.commitReport} before any other commit. */
  planId?: string;
  /** Clock for `LAO_REVIEW.log` (tests). */
  now?: () => Date;
  /** Hints already shown (defaults to once per process). */
  shownHints?: Set<string>;
  /** LAO's own file access in the workspace (default: the guarded I/O on `workspace`). */
  io?: WorkspaceIo;
}

/**
 * Files LAO writes into the workspace outside this queue (the quality
 * reports, `pipeline/quality/report_files.ts`): a coder commit holding one is
 * made at once, not queued, so a report written meanwhile cannot slip into it.
 */
const WRITTEN_OUTSIDE = new Set(["LAO_QUALITY.md", "quality_report.json"]);

/** Records a plan's phases as git commits. */
export class PlanGit implements PlanGitPort {
  #opts: PlanGitOptions;
  #emit: Emit;
  #planFile: string;
  #trailers: boolean;
  #planId: string;
  #repo: RepoInfo | null = null;
  #problem = "";
  #queue = new CommitQueue();
  #journal: PendingJournal | null = null;

  /** Creates the recorder; the repository is prepared on the first commit. */
  constructor(options: PlanGitOptions) {
    this.#opts = options;
    this.#emit = options.emit ?? (() => {});
    this.#planFile = options.git?.plan_file_name ?? "LAO_PLAN.md";
    this.#trailers = options.git?.commit_trailers ?? false;
    this.#planId = options.planId ?? "";
  }

  /** The plan workspace. */
  get workspace(): string {
    return this.#opts.workspace;
  }

  /** Writes the plan snapshot and commits `lao(plan): add plan snapshot for <stem>`. */
  commitPlanSnapshot(planText: string, input: PlanSnapshotInput): Promise<CommitResult | null> {
    return this.#run(() => this.#snapshot(planText, input));
  }

  /** Writes `LAO_TASKS.json` and commits `lao(architect): decompose plan <stem> into <n> tasks`. */
  commitArchitect(input: ArchitectInput): Promise<CommitResult | null> {
    return this.#run(() => this.#architect(input));
  }

  /** Commits exactly the task's files as `lao(coder): task #<id> <title>`. */
  commitCoder(input: CoderInput): Promise<CommitResult | null> {
    return this.#run(() => this.#coder(input));
  }

  /** Appends the verdict to `LAO_REVIEW.log` and commits `lao(reviewer): …`. */
  commitReview(input: ReviewInput): Promise<CommitResult | null> {
    return this.#run(() => this.#review(input, this.#reviewLine(input)));
  }

  /** Commits exactly `files` as `lao(report): update quality report`. */
  commitReport(files: string[]): Promise<CommitResult | null> {
    return this.#run(() => this.#report(files));
  }

  /** Reverts the task's coder commits; see {@linkcode undoTask}. */
  undoTask(taskId: number, options: { note?: string } = {}): Promise<UndoResult> {
    return this.#run(() => this.#undo(taskId, options));
  }

  /**
   * Queues the coder commit ({@linkcode PlanGit.commitCoder}'s) and resolves
   * once it is recorded in the journal; it lands in the background.
   */
  queueCoder(input: CoderInput): Promise<void> {
    const { kept } = normalizeFiles(input.files);
    if (kept.some((f) => WRITTEN_OUTSIDE.has(f))) return this.commitCoder(input).then(() => {});
    return this.#enqueue(kept, { kind: "coder", input });
  }

  /** Queues the reviewer commit ({@linkcode PlanGit.commitReview}'s): the log line is taken now. */
  queueReview(input: ReviewInput): Promise<void> {
    return this.#enqueue([REVIEW_LOG], { kind: "review", input, line: this.#reviewLine(input) });
  }

  /**
   * Resolves when the queued commits holding one of `paths` (all of them when
   * omitted) have landed, and what an earlier run left has been made.
   */
  settle(paths?: readonly string[]): Promise<void> {
    this.#recover();
    return this.#queue.settled(paths);
  }

  /** Runs `job` after every queued commit (and the replay of what an earlier run left). */
  #run<T>(job: () => Promise<T>): Promise<T> {
    this.#recover();
    return this.#queue.run(job);
  }

  #enqueue(files: readonly string[], entry: NewEntry): Promise<void> {
    const journal = this.#recover();
    const { id, saved } = journal.add(entry);
    void this.#queue.enqueue(files, () => this.#land({ ...entry, id } as PendingEntry, false));
    return saved;
  }

  /** The journal; on first use, queues the replay of the entries an earlier run left. */
  #recover(): PendingJournal {
    if (this.#journal) return this.#journal;
    const journal = this.#journal = new PendingJournal(
      this.#opts.runner.layoutDir,
      this.#opts.workspace,
      (message) => this.#warn(message),
    );
    void this.#queue.enqueue(null, async () => {
      for (const entry of await journal.leftover()) await this.#land(entry, true);
    });
    return journal;
  }

  /**
   * Makes a queued commit, then drops it from the journal; returns that
   * write, which the next queued commit does not wait for (the writes of the
   * commit's paths and the end of the run do). Never throws.
   */
  async #land(entry: PendingEntry, replay: boolean): Promise<Trailing> {
    try {
      if (entry.kind === "coder") await this.#coder(entry.input);
      else await this.#review(entry.input, entry.line, replay);
    } catch (err) {
      this.#warn(`Cannot commit task #${entry.input.taskId}: ${errorMessage(err)}`);
    }
    return { after: this.#journal?.drop(entry.id) ?? Promise.resolve() };
  }

  #reviewLine(input: ReviewInput): string {
    const at = (this.#opts.now ?? (() => new Date()))().toISOString();
    return `${at} task_id=${input.taskId} verdict=${input.verdict}\n`;
  }

  async #snapshot(planText: string, input: PlanSnapshotInput): Promise<CommitResult | null> {
    this.#planId = input.planId;
    const languages = this.#opts.languages ?? detectLanguages(planText);
    if (!await this.#prepare(languages)) return null;
    const text = planSnapshot(planText, input.sourceFile, input.version);
    if (!await this.#write(this.#planFile, text)) return null;
    const body = formatBody({
      planId: input.planId,
      trailers: this.#trailers,
      lead: firstLine(planText, 200),
    });
    return await this.#commit("plan", `add plan snapshot for ${input.stem}`, body, [
      this.#planFile,
    ]);
  }

  async #architect(input: ArchitectInput): Promise<CommitResult | null> {
    this.#planId = input.planId;
    if (!await this.#prepare()) return null;
    const tasks = input.tasks.map((t) => ({ id: t.id, title: t.title, status: t.status }));
    const json = JSON.stringify({ plan_id: input.planId, tasks }, null, 2) + "\n";
    if (!await this.#write(TASKS_FILE, json)) return null;
    const summary = `decompose plan ${input.stem} into ${input.tasks.length} tasks`;
    const body = formatBody({ planId: input.planId, trailers: this.#trailers });
    return await this.#commit("architect", summary, body, [TASKS_FILE]);
  }

  async #coder(input: CoderInput): Promise<CommitResult | null> {
    this.#planId = input.planId;
    if (!await this.#prepare()) return null;
    const body = formatBody({
      planId: input.planId,
      taskId: input.taskId,
      trailers: this.#trailers,
    });
    return await this.#commit("coder", `task #${input.taskId} ${input.title}`, body, input.files);
  }

  /** Appends `line` to the log (on a replay, unless it is there already) and commits it. */
  async #review(input: ReviewInput, line: string, replay = false): Promise<CommitResult | null> {
    this.#planId = input.planId;
    if (!await this.#prepare()) return null;
    if (!(replay && await this.#logHas(line)) && !await this.#write(REVIEW_LOG, line, true)) {
      return null;
    }
    const body = formatBody({
      planId: input.planId,
      taskId: input.taskId,
      trailers: this.#trailers,
    });
    const summary = reviewSummary(input.verdict, input.taskId, input.title);
    return await this.#commit("reviewer", summary, body, [REVIEW_LOG]);
  }

  async #report(files: string[]): Promise<CommitResult | null> {
    if (!await this.#prepare()) return null;
    const body = this.#planId ? formatBody({ planId: this.#planId, trailers: this.#trailers }) : "";
    return await this.#commit("report", "update quality report", body, files);
  }

  async #undo(taskId: number, options: { note?: string }): Promise<UndoResult> {
    const repo = await this.#prepare();
    if (!repo) {
      const why = this.#problem || "the git repository is unusable";
      return { ok: false, message: `Cannot undo task #${taskId}: ${why}` };
    }
    return await undoTask(this.#opts.workspace, taskId, {
      note: options.note,
      runner: this.#opts.runner,
      emit: this.#emit,
      config: { ...repo.config, ...repo.commitConfig },
      layout: repo.layout,
    });
  }

  async #prepare(languages?: readonly string[]): Promise<RepoInfo | null> {
    if (this.#repo) return this.#repo;
    let problem = "";
    this.#repo = await prepareRepo(this.#opts.workspace, {
      runner: this.#opts.runner,
      languages: languages ?? this.#opts.languages,
      emit: (event) => {
        if (event.type === "log" && event.level === "warn") problem = event.message;
        this.#emit(event);
      },
      shownHints: this.#opts.shownHints,
    });
    this.#problem = this.#repo ? "" : problem;
    return this.#repo;
  }

  async #logHas(line: string): Promise<boolean> {
    const io = this.#opts.io ?? workspaceIo(this.#opts.workspace);
    try {
      return (await io.readText(REVIEW_LOG)).includes(line);
    } catch {
      return false;
    }
  }

  async #write(file: string, text: string, append = false): Promise<boolean> {
    // LAO's snapshot files go through the guarded I/O: a link the model planted is replaced, not followed.
    const io = this.#opts.io ?? workspaceIo(this.#opts.workspace);
    try {
      const done = append ? await io.appendText(file, text) : await io.writeText(file, text);
      if (done.replaced) {
        this.#warn(`Replaced "${file}" (${done.replaced} was planted there) with LAO's own file`);
      }
      return true;
    } catch (err) {
      this.#warn(
        err instanceof WorkspaceError
          ? err.message
          : `Cannot write "${file}": ${errorMessage(err)}`,
      );
      return false;
    }
  }

  async #commit(
    agent: CommitAgent,
    summary: string,
    body: string,
    files: readonly string[],
  ): Promise<CommitResult | null> {
    const repo = this.#repo;
    if (!repo) return null;
    const subject = formatSubject(agent, summary);
    const pending = repo.newFiles;
    const outcome = await commitFiles(this.#opts.runner, repo, {
      subject,
      body,
      files: [...pending, ...files],
    });
    if (outcome.kind === "nothing") return null;
    if (outcome.kind === "failed") {
      if (!outcome.silent) this.#warn(`Cannot commit "${subject}": ${outcome.error}`);
      return null;
    }
    repo.newFiles = [];
    const { sha } = outcome.commit;
    this.#emit({ type: "git.commit", subject, sha, workspace: this.#opts.workspace });
    return outcome.commit;
  }

  #warn(message: string): void {
    this.#emit({ type: "log", level: "warn", source: "git", message });
  }
}
