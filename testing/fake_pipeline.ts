/**
 * In-process pipeline ports for this folder's tests: an in-memory store, a
 * scripted model per role (no server, no HTTP), in-memory workspaces, a git
 * port that records commits, and a fake clock whose `sleep` moves time
 * instead of waiting. The plans folder (`memory_plans.ts`) and the
 * workspaces, LAO's reports in them included (`memory_io.ts`), live in
 * memory too.
 *
 * @module
 */
import { join } from "node:path";
import { defaultConfig } from "../src/config/defaults.ts";
import type { Config, RoleName } from "../src/config/schema.ts";
import { InterruptedError } from "../src/errors.ts";
import { EventBus } from "../src/events/bus.ts";
import type { LaoEvent } from "../src/events/types.ts";
import { NoGit } from "../src/git/no_git.ts";
import type { CoderInput, CommitResult, ReviewInput } from "../src/git/port.ts";
import { TokenCalibration } from "../src/llm/tokens.ts";
import type { ChatMessage, ChatRequest, ChatResult, LlmClient } from "../src/llm/types.ts";
import { replayModelManager } from "../src/models/replay_manager.ts";
import { Store } from "../src/store/store.ts";
import type { WorkspaceFs } from "../src/workspace/workspace_fs.ts";
import type { RunPorts } from "../src/pipeline/run_ports.ts";
import { createModelPort } from "../src/phases/model_call.ts";
import { memoryFs } from "./memory_fs.ts";
import { memoryIo } from "./memory_io.ts";
import { memoryPlans } from "./memory_plans.ts";

/** One task of a scripted plan. */
export interface FakeTask {
  title: string;
  file: string;
  content: string;
  dependencies?: string[];
  /** The reviewer rejects the first N reviews of this task (always the same finding). */
  rejectTimes?: number;
  /** The coder runs this `shell_exec` command instead of writing the file. */
  shell?: string;
  /** Requirement ids the architect assigns to this task. */
  deliverables?: string[];
  /** Phase the architect assigns to this task. */
  phase?: string;
}

/** A commit the pipeline asked for. */
export type FakeCommit =
  | { kind: "coder"; taskId: number; files: string[] }
  | { kind: "review"; taskId: number; verdict: string };

/** One model call the pipeline made, as the scripted models saw it. */
export interface FakeCall {
  /** Counts every role's calls from 1, across restarts. */
  n: number;
  role: RoleName;
  /** The task the call is about (coder and reviewer calls of a scripted task). */
  task?: string;
  /** The request as the model port sent it. */
  request: ChatRequest;
}

/** Hooks that change how the scripted models or ports behave. */
export interface FakeHooks {
  /**
   * Called before each model call of any role; its promise is awaited before
   * the scripted answer. A promise that never settles stops the run at that
   * request for good, the way a killed process never gets its answer.
   */
  beforeChat?: (call: FakeCall) => void | Promise<void>;
  /** Answers a call instead of the script; `undefined` leaves it to the script. */
  reply?: (call: FakeCall) => ChatResult | undefined;
  /** Called before each coder call (`n` counts from 1); throw to fail the call. */
  beforeCoder?: (n: number) => void;
  /** Called before each coder commit; throw to fail the commit. */
  beforeCoderCommit?: (input: CoderInput) => void;
  /** Called before each review commit; throw to fail the commit. */
  beforeReviewCommit?: (input: ReviewInput) => void;
  /** The shell port (none when absent): runs `command` against the task's workspace. */
  shell?: (fs: WorkspaceFs, command: string) => Promise<string>;
}

/** A running fake environment. */
export interface FakePipeline extends AsyncDisposable {
  deps: RunPorts;
  store: Store;
  config: Config;
  events: LaoEvent[];
  commits: FakeCommit[];
  /** Every `sleep(ms)` the pipeline asked for, in order. */
  sleeps: number[];
  /** Every folder the pipeline asked to create, in order. */
  dirs: string[];
  /** Reviews so far per task title. */
  reviews: Map<string, number>;
  /** Every model call so far, in order (across restarts). */
  calls: FakeCall[];
  /**
   * Fresh run ports over the same store, workspaces, git and clock, as a new
   * `lao run` process would build them (a new model manager and model port,
   * new stop signals); `deps` becomes them. The old run is left as it stands.
   */
  restart(): RunPorts;
  /** The first Ctrl+C for the current `deps`: finish the current step, then stop. */
  stop(): void;
  /** The second Ctrl+C for the current `deps`: abort what is in flight. */
  abort(): void;
  /** The in-memory workspace of a plan stem. */
  workspace(stem: string): WorkspaceFs;
  /** Writes a plan file into the plans folder. */
  addPlan(name: string, text: string): Promise<void>;
}

const KEYS = { planner: "fake-planner", coder: "fake-coder", reviewer: "fake-reviewer" };

/** A model's answer: `content`, or tool calls when there are any. */
export function result(content: string, toolCalls: ChatResult["toolCalls"] = []): ChatResult {
  return {
    content,
    reasoning: "",
    toolCalls,
    finishReason: toolCalls.length ? "tool_calls" : "stop",
    usage: { promptTokens: 0, completionTokens: 0 },
    seconds: 0,
  };
}

function userText(messages: ChatMessage[], which: "first" | "last"): string {
  const users = messages.filter((m) => m.role === "user");
  const m = which === "first" ? users[0] : users.at(-1);
  return typeof m?.content === "string" ? m.content : "";
}

function rejection(task: FakeTask): string {
  return JSON.stringify({
    verdict: "REJECTED",
    findings: [{
      severity: "major",
      file_path: task.file,
      issue_class: "missing_behaviour",
      message: "edge case not handled",
      fix_hint: "handle it",
    }],
    summary: "needs work",
  });
}

function taskOf(tasks: FakeTask[], req: ChatRequest): FakeTask | undefined {
  if (req.role === "coder") {
    return tasks.find((t) => userText(req.messages, "first").includes(`## Task: ${t.title}\n`));
  }
  if (req.role !== "reviewer") return undefined;
  return tasks.find((t) =>
    userText(req.messages, "last").includes(`## Task Specification: ${t.title}\n`)
  );
}

function scriptedModels(
  tasks: FakeTask[],
  hooks: FakeHooks,
  reviews: Map<string, number>,
  calls: FakeCall[],
) {
  let coderCalls = 0;
  const plan = JSON.stringify(tasks.map((t) => ({
    title: t.title,
    description: `Implement ${t.file}: ${t.title}.`,
    file_paths: [t.file],
    dependencies: t.dependencies ?? [],
    ...(t.deliverables ? { deliverable_ids: t.deliverables } : {}),
    ...(t.phase ? { phase: t.phase } : {}),
  })));
  const chat = (req: ChatRequest): ChatResult => {
    if (req.role === "planner") return result(plan);
    const task = taskOf(tasks, req);
    if (req.role === "coder") {
      hooks.beforeCoder?.(++coderCalls);
      if (!task) return result("I do not know this task.");
      if (req.messages.at(-1)?.role === "tool") return result(`Wrote ${task.file}.`);
      const [name, args] = task.shell
        ? ["shell_exec", { command: task.shell }]
        : ["file_write", { path: task.file, content: task.content }];
      return result("", [{ id: `call_${coderCalls}`, name, arguments: JSON.stringify(args) }]);
    }
    if (!task) return result('{"verdict": "REJECTED", "findings": [], "summary": "unknown"}');
    const n = (reviews.get(task.title) ?? 0) + 1;
    reviews.set(task.title, n);
    if (n <= (task.rejectTimes ?? 0)) return result(rejection(task));
    return result('{"verdict": "APPROVED", "findings": [], "summary": "looks good"}');
  };
  const call = async (req: ChatRequest): Promise<ChatResult> => {
    const task = taskOf(tasks, req)?.title;
    const seen: FakeCall = {
      n: calls.length + 1,
      role: req.role,
      ...(task ? { task } : {}),
      request: req,
    };
    calls.push(seen);
    await hooks.beforeChat?.(seen);
    return hooks.reply?.(seen) ?? chat(req);
  };
  return (_role: RoleName): LlmClient => ({
    chat: call,
    embed: (_model, texts) => Promise.resolve(texts.map(() => [0])),
  });
}

class RecordingGit extends NoGit {
  constructor(private commits: FakeCommit[], private hooks: FakeHooks) {
    super();
  }

  override commitCoder(input: CoderInput): Promise<CommitResult | null> {
    this.hooks.beforeCoderCommit?.(input);
    this.commits.push({ kind: "coder", taskId: input.taskId, files: input.files });
    return Promise.resolve(null);
  }

  override commitReview(input: ReviewInput): Promise<CommitResult | null> {
    this.hooks.beforeReviewCommit?.(input);
    this.commits.push({ kind: "review", taskId: input.taskId, verdict: input.verdict });
    return Promise.resolve(null);
  }
}

/** Builds the fake environment for `tasks`; `tune` adjusts the config. */
export async function fakePipeline(
  tasks: FakeTask[],
  opts: { tune?: (c: Config) => void; hooks?: FakeHooks } = {},
): Promise<FakePipeline> {
  const dir = await Deno.makeTempDir({ prefix: "lao_run_" });
  const config = defaultConfig(dir);
  config.models.planner.key = KEYS.planner;
  config.models.coder.key = KEYS.coder;
  config.models.reviewer.key = KEYS.reviewer;
  opts.tune?.(config);
  let now = Date.parse("2025-01-01T00:00:00.000Z");
  const clock = () => new Date(now);
  const bus = new EventBus();
  const events: LaoEvent[] = [];
  bus.subscribe((e) => events.push(e));
  const store = Store.open(":memory:", { emit: bus.emit, now: clock });
  const commits: FakeCommit[] = [];
  const sleeps: number[] = [];
  const reviews = new Map<string, number>();
  const hooks = opts.hooks ?? {};
  const git = new RecordingGit(commits, hooks);
  const workspaces = new Map<string, WorkspaceFs>();
  const workspace = (path: string) => {
    let fs = workspaces.get(path);
    if (!fs) workspaces.set(path, fs = memoryFs({}, path));
    return fs;
  };
  const dirs: string[] = [];
  // The plans folder and the workspaces (reports included) live in memory.
  const plans = memoryPlans(config.paths.plans, { onEnsure: (path) => dirs.push(path) });
  const calls: FakeCall[] = [];
  const llm = scriptedModels(tasks, hooks, reviews, calls);
  const count = (text: string) => Math.ceil(text.length / 4);
  const sleep = (ms: number, signal?: AbortSignal) => {
    if (signal?.aborted) return Promise.reject(new InterruptedError());
    sleeps.push(ms);
    now += ms;
    return Promise.resolve();
  };
  const controllers: AbortController[] = [];
  let stop = () => {};
  let abort = () => {};
  /** One process's ports: its own model manager, model port and stop signals. */
  const runPorts = (): RunPorts => {
    const controller = new AbortController();
    const stopController = new AbortController();
    controllers.push(controller, stopController);
    stop = () => stopController.abort();
    abort = () => controller.abort();
    const models = replayModelManager(config, bus.emit);
    return {
      config,
      configDir: dir,
      store,
      models,
      plans,
      ensureDir: (path) => {
        dirs.push(path);
        return Promise.resolve();
      },
      workspaceIo: (path) => memoryIo(workspace(path)),
      workspaceFs: (path) => Promise.resolve(workspace(path)),
      shell: (path) => {
        const run = hooks.shell;
        return run && ((command) => run(workspace(path), command));
      },
      git: () => git,
      emit: bus.emit,
      bus,
      count,
      signal: controller.signal,
      stopping: () => stopController.signal.aborted,
      stopSignal: stopController.signal,
      now: clock,
      sleep,
      version: "test",
      model: createModelPort({
        config,
        store,
        llm,
        models,
        emit: bus.emit,
        count,
        calibration: new TokenCalibration(),
        signal: controller.signal,
        now: clock,
      }),
    };
  };
  const fake: FakePipeline = {
    deps: runPorts(),
    store,
    config,
    events,
    commits,
    sleeps,
    dirs,
    reviews,
    calls,
    restart: () => fake.deps = runPorts(),
    stop: () => stop(),
    abort: () => abort(),
    workspace: (stem) => workspace(join(dir, stem)),
    addPlan: (name, text) => Promise.resolve(plans.write(name, text)),
    async [Symbol.asyncDispose]() {
      for (const c of controllers) c.abort();
      store.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
  return fake;
}
