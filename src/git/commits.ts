/**
 * {@linkcode PlanGit}: one per plan workspace. Writes LAO's snapshot files
 * (`LAO_PLAN.md`, `LAO_TASKS.json`, `LAO_REVIEW.log`) and records each phase
 * as a commit with the subjects of `message.ts`. Each commit contains exactly the
 * files of that phase. Problems become `log` warnings; nothing throws.
 *
 * @module
 */
import type { Config } from "../config/schema.ts";
import type { Emit } from "../events/bus.ts";
import { errorMessage } from "../errors.ts";
import { commitFiles } from "./commit_files.ts";
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

/** Records a plan's phases as git commits. */
export class PlanGit implements PlanGitPort {
  #opts: PlanGitOptions;
  #emit: Emit;
  #planFile: string;
  #trailers: boolean;
  #planId: string;
  #repo: RepoInfo | null = null;
  #problem = "";

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
  async commitPlanSnapshot(
    planText: string,
    input: PlanSnapshotInput,
  ): Promise<CommitResult | null> {
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

  /** Writes `LAO_TASKS.json` and commits `lao(architect): decompose plan <stem> into <n> tasks`. */
  async commitArchitect(input: ArchitectInput): Promise<CommitResult | null> {
    this.#planId = input.planId;
    if (!await this.#prepare()) return null;
    const tasks = input.tasks.map((t) => ({ id: t.id, title: t.title, status: t.status }));
    const json = JSON.stringify({ plan_id: input.planId, tasks }, null, 2) + "\n";
    if (!await this.#write(TASKS_FILE, json)) return null;
    const summary = `decompose plan ${input.stem} into ${input.tasks.length} tasks`;
    const body = formatBody({ planId: input.planId, trailers: this.#trailers });
    return await this.#commit("architect", summary, body, [TASKS_FILE]);
  }

  /** Commits exactly the task's files as `lao(coder): task #<id> <title>`. */
  async commitCoder(input: CoderInput): Promise<CommitResult | null> {
    this.#planId = input.planId;
    if (!await this.#prepare()) return null;
    const body = formatBody({
      planId: input.planId,
      taskId: input.taskId,
      trailers: this.#trailers,
    });
    return await this.#commit("coder", `task #${input.taskId} ${input.title}`, body, input.files);
  }

  /** Appends the verdict to `LAO_REVIEW.log` and commits `lao(reviewer): …`. */
  async commitReview(input: ReviewInput): Promise<CommitResult | null> {
    this.#planId = input.planId;
    if (!await this.#prepare()) return null;
    const at = (this.#opts.now ?? (() => new Date()))().toISOString();
    const line = `${at} task_id=${input.taskId} verdict=${input.verdict}\n`;
    if (!await this.#write(REVIEW_LOG, line, true)) return null;
    const body = formatBody({
      planId: input.planId,
      taskId: input.taskId,
      trailers: this.#trailers,
    });
    const summary = reviewSummary(input.verdict, input.taskId, input.title);
    return await this.#commit("reviewer", summary, body, [REVIEW_LOG]);
  }

  /** Commits exactly `files` as `lao(report): update quality report`. */
  async commitReport(files: string[]): Promise<CommitResult | null> {
    if (!await this.#prepare()) return null;
    const body = this.#planId ? formatBody({ planId: this.#planId, trailers: this.#trailers }) : "";
    return await this.#commit("report", "update quality report", body, files);
  }

  /** Reverts the task's coder commits; see {@linkcode undoTask}. */
  async undoTask(taskId: number, options: { note?: string } = {}): Promise<UndoResult> {
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
