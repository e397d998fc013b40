/**
 * Builds the real {@linkcode RunPorts} from a configuration: one client
 * per role (recording or replaying a cassette when asked), the model manager
 * for the detected server, guarded workspace access, the sandboxed shell, and
 * git.
 *
 * @module
 */
import type { Config, RoleName } from "../config/schema.ts";
import type { EventBus } from "../events/bus.ts";
import { GitRunner } from "../git/runner.ts";
import { emptyHooksDir, openPlanGit } from "../git/mod.ts";
import type { PlanGitPort } from "../git/port.ts";
import { recordingClient, replayClient } from "../llm/cassette.ts";
import { clientForRole } from "../llm/factory.ts";
import { cl100k, TokenCalibration } from "../llm/tokens.ts";
import type { LlmClient } from "../llm/types.ts";
import { abortableSleep } from "../llm/retry.ts";
import { backendFor } from "../models/detect.ts";
import { createModelManager } from "../models/manager.ts";
import { replayModelManager } from "../models/replay_manager.ts";
import { budgetConfig } from "../models/server_context.ts";
import type { ModelManager } from "../models/types.ts";
import type { Store } from "../store/store.ts";
import type { ShellPort } from "../tools/types.ts";
import type { WorkspaceFs } from "../workspace/workspace_fs.ts";
import { workspaceIo } from "../workspace/guarded_io.ts";
import { diskPlansSource } from "./plans_source.ts";
import { createModelPort, type ModelCallPorts } from "../phases/model_call.ts";
import type { RunPorts } from "./run_ports.ts";
import { calibrateFromServer } from "../llm/server_calibration.ts";
import { CALIBRATION_TEXT } from "../agents/calibration_text.ts";
import type { RunCommand } from "../validate/command_runner.ts";
import { laneMemoryProbe } from "./server_lanes.ts";
import { PythonCheckServer } from "../validate/python_server.ts";

/** Inputs of {@linkcode buildRunPorts}. */
export interface BuildOptions {
  config: Config;
  configDir: string;
  /** The `factory.yaml` in use (see {@linkcode RunPorts.configFile}). */
  configFile?: string | null;
  store: Store;
  bus: EventBus;
  signal: AbortSignal;
  stopping: () => boolean;
  /** Aborted on the first Ctrl+C (wakes idle waits). */
  stopSignal?: AbortSignal;
  version: string;
  /** Append every model exchange to this cassette. */
  record?: string;
  /** Serve model replies from this cassette (no server). */
  replay?: string;
  /** Guarded workspace access. */
  workspaceFs: (workspace: string) => Promise<WorkspaceFs>;
  /** Stops what `workspaceFs` holds for a workspace that is gone (its file Worker). */
  releaseWorkspace?: (workspace: string) => void;
  /** Sandboxed shell (undefined: shell tool disabled). */
  shell?: (workspace: string) => ShellPort | undefined;
  /** Sandboxed validation commands. */
  validationCommand?: (workspace: string) => RunCommand | undefined;
  /** Override the model manager (tests). */
  models?: ModelManager;
}

/**
 * The ports {@linkcode buildRunPorts} builds: the main loop's, plus what a
 * model call needs (the Pilot calls its model through `callModel`).
 */
export type BuiltPorts = RunPorts & ModelCallPorts;

/**
 * The model manager of the implicit server: over its backend, gated on this
 * machine's memory only when the server runs here; a replay has none.
 */
async function modelManager(
  o: BuildOptions,
  config: Config,
  backend: Awaited<ReturnType<typeof backendFor>> | undefined,
): Promise<ModelManager> {
  if (!backend) return replayModelManager(config, o.bus.emit);
  const server = { name: "default", baseUrl: config.lm_studio_base_url };
  const probe = await laneMemoryProbe(server, o.bus.emit);
  return createModelManager(config, { backend, probe, emit: o.bus.emit });
}

/** Creates the run's ports. */
export async function buildRunPorts(o: BuildOptions): Promise<BuiltPorts> {
  const backend = o.models || o.replay ? undefined : await backendFor(o.config);
  const config = await serverBudget(o, backend);
  const llm = roleClients(o, config);
  const models = o.models ?? await modelManager(o, config, backend);
  const count = await cl100k();
  const calibration = new TokenCalibration();
  if (backend?.kind === "llamacpp") {
    // llama.cpp counts with the model's own tokenizer: start from its ratio.
    await calibrateFromServer(config, CALIBRATION_TEXT, count, calibration);
  }
  const fsCache = new Map<string, Promise<WorkspaceFs>>();
  const signal = o.signal;
  const model = createModelPort({
    config,
    store: o.store,
    llm,
    models,
    emit: o.bus.emit,
    count,
    calibration,
    signal,
    now: () => new Date(),
  });
  return {
    config,
    configDir: o.configDir,
    ...(o.configFile !== undefined ? { configFile: o.configFile } : {}),
    store: o.store,
    llm,
    models,
    plans: diskPlansSource(config.paths.plans),
    ensureDir: (path) => Deno.mkdir(path, { recursive: true }),
    workspaceIo,
    workspaceFs: (ws) => {
      let fs = fsCache.get(ws);
      if (!fs) fsCache.set(ws, fs = o.workspaceFs(ws));
      return fs;
    },
    releaseWorkspace: (ws) => {
      fsCache.delete(ws);
      o.releaseWorkspace?.(ws);
    },
    shell: o.shell ?? (() => undefined),
    ...(o.validationCommand ? { validationCommand: o.validationCommand } : {}),
    python: new PythonCheckServer(),
    git: planGits(o, config),
    emit: o.bus.emit,
    bus: o.bus,
    count,
    calibration,
    signal: o.signal,
    stopping: o.stopping,
    ...(o.stopSignal ? { stopSignal: o.stopSignal } : {}),
    now: () => new Date(),
    sleep: abortableSleep,
    version: o.version,
    model,
  };
}

/** Every budget reads `config.models.<role>.context_length`: make it min(config, server). */
async function serverBudget(
  o: BuildOptions,
  backend: Awaited<ReturnType<typeof backendFor>> | undefined,
): Promise<Config> {
  const asked = backend ? createModelManager(o.config, { backend }) : o.models;
  const budget = asked ? await budgetConfig(o.config, asked) : { config: o.config };
  if (budget.warning) {
    o.bus.emit({ type: "log", level: "warn", message: budget.warning, source: "models" });
  }
  return budget.config;
}

/** One client per role, made on first use (the cassette's when replaying, recorded when asked). */
function roleClients(o: BuildOptions, config: Config): (role: RoleName) => LlmClient {
  const clients = new Map<RoleName, LlmClient>();
  const replay = o.replay ? replayClient(o.replay) : undefined;
  return (role) => {
    let client = clients.get(role);
    if (!client) {
      client = replay ?? clientForRole(config, role, { signal: o.signal });
      if (o.record) client = recordingClient(client, o.record);
      clients.set(role, client);
    }
    return client;
  };
}

/** Git per plan workspace, hooks-free, opened once per workspace. */
function planGits(
  o: BuildOptions,
  config: Config,
): (workspace: string, planId: string) => PlanGitPort {
  const runner = new GitRunner({ hooksDir: emptyHooksDir(o.configDir) });
  const gits = new Map<string, PlanGitPort>();
  return (workspace, planId) => {
    let git = gits.get(workspace);
    if (!git) {
      git = openPlanGit({ workspace, git: config.git, runner, emit: o.bus.emit, planId });
      gits.set(workspace, git);
    }
    return git;
  };
}
