/**
 * Builds the scheduler's lanes (issue 16): one per server of the run, each
 * with its own model manager (its own memory gate: one machine's memory is
 * not another's, so only a server on loopback is gated on this machine's
 * memory), its own clients and model port, and its slots. One server
 * with one slot builds no lanes: the run keeps the one-at-a-time scheduler,
 * exactly as before.
 *
 * @module
 */
import type { Config, RoleName } from "../config/schema.ts";
import type { PlanGitPort } from "../git/port.ts";
import { clientForRole } from "../llm/factory.ts";
import type { LlmClient } from "../llm/types.ts";
import { backendFor } from "../models/detect.ts";
import { createModelManager } from "../models/manager.ts";
import { resolveServers, serverConfig, serverSlots, type ServerSpec } from "../models/servers.ts";
import type { ModelManager } from "../models/types.ts";
import { createModelPort } from "../phases/model_call.ts";
import type { BuiltPorts } from "./build_deps.ts";
import type { ServerLane } from "./parallel_scheduler.ts";
import { runnerFor } from "../worktree/prepare.ts";
import { type Serial, taskWorktrees } from "../worktree/task_worktrees.ts";
import { taskCopies } from "../worktree/task_copies.ts";
import { laneMemoryProbe } from "./lane_memory_probe.ts";

export { laneMemoryProbe };

/** Makes concurrent `ensureLoaded` calls of one manager wait for each other (one load at a time). */
export function serialLoads(models: ModelManager): ModelManager {
  let chain: Promise<unknown> = Promise.resolve();
  return {
    ...models,
    health: () => models.health(),
    listModels: () => models.listModels(),
    loaded: () => models.loaded(),
    contextLength: (role) => models.contextLength(role),
    unload: (id) => models.unload(id),
    stats: () => models.stats(),
    ensureLoaded: (role, signal) => {
      const next = chain.then(() => models.ensureLoaded(role, signal));
      chain = next.catch(() => undefined);
      return next;
    },
  };
}

/** One chain of calls per workspace: each call waits for the one before it. */
export function workspaceChains(): Serial {
  const chains = new Map<string, Promise<unknown>>();
  return <T>(workspace: string, call: () => Promise<T>): Promise<T> => {
    const next = (chains.get(workspace) ?? Promise.resolve()).then(call);
    chains.set(workspace, next.catch(() => undefined));
    return next;
  };
}

/** Git of one workspace whose calls run one after another (concurrent tasks of one plan). */
export function serialGit(
  git: PlanGitPort,
  chain: <T>(call: () => Promise<T>) => Promise<T> = oneChain(),
): PlanGitPort {
  const one = chain;
  return {
    commitPlanSnapshot: (text, input) => one(() => git.commitPlanSnapshot(text, input)),
    commitArchitect: (input) => one(() => git.commitArchitect(input)),
    commitCoder: (input) => one(() => git.commitCoder(input)),
    commitReview: (input) => one(() => git.commitReview(input)),
    commitReport: (files) => one(() => git.commitReport(files)),
    undoTask: (id, options) => one(() => git.undoTask(id, options)),
  };
}

function oneChain(): <T>(call: () => Promise<T>) => Promise<T> {
  const chains = workspaceChains();
  return (call) => chains("", call);
}

/** The lanes of a run, or null for one server with one slot (the sequential scheduler). */
export async function buildLanes(
  deps: BuiltPorts,
  config: Config,
  slotsOverride?: number,
): Promise<ServerLane[] | null> {
  const specs = resolveServers(config, slotsOverride);
  const slots = await Promise.all(specs.map((s) => serverSlots(s)));
  if (specs.length === 1 && slots[0] === 1) return null;
  const gits = new Map<string, PlanGitPort>();
  const chains = workspaceChains();
  const git = (workspace: string, planId: string) => {
    let g = gits.get(workspace);
    if (!g) {
      const chain = <T>(call: () => Promise<T>) => chains(workspace, call);
      gits.set(workspace, g = serialGit(deps.git(workspace, planId), chain));
    }
    return g;
  };
  // Tasks of one plan code in their own worktrees when git is on, else copies (issue 16).
  const isolation = config.git.enabled
    ? taskWorktrees(runnerFor(deps.configDir), deps.configDir, chains)
    : taskCopies(deps.configDir, chains, {
      taskStatus: (id) => deps.store.getTask(id)?.status,
      warn: (message) => deps.emit({ type: "log", level: "warn", message, source: "scheduler" }),
    });
  const lanes: ServerLane[] = [];
  for (const [i, spec] of specs.entries()) {
    const model = spec.implicit ? deps.models : await serverManager(deps, spec);
    const view = serverConfig(deps.config, spec);
    const port = createModelPort({
      config: view,
      store: deps.store,
      llm: spec.implicit ? deps.llm : serverClients(view, deps.signal),
      models: serialLoads(model),
      emit: deps.emit,
      count: deps.count,
      calibration: deps.calibration,
      signal: deps.signal,
      now: deps.now,
    });
    lanes.push({
      name: spec.name,
      slots: slots[i]!,
      roles: spec.roles,
      ports: { ...deps, model: port, git },
      isolation,
    });
  }
  return lanes;
}

/** A listed server's own model manager and memory gate. */
async function serverManager(deps: BuiltPorts, spec: ServerSpec): Promise<ModelManager> {
  const view = serverConfig(deps.config, spec);
  const backend = await backendFor(view);
  const probe = await laneMemoryProbe(spec, deps.emit);
  return createModelManager(view, { backend, ...(probe ? { probe } : {}), emit: deps.emit });
}

function serverClients(view: Config, signal: AbortSignal): (role: RoleName) => LlmClient {
  const clients = new Map<RoleName, LlmClient>();
  return (role) => {
    let c = clients.get(role);
    if (!c) clients.set(role, c = clientForRole(view, role, { signal }));
    return c;
  };
}
