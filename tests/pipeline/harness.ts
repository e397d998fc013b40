/**
 * End-to-end harness: a temp project folder, the fake LM Studio server with a
 * scripted session, and real pipeline ports (store, model manager over HTTP,
 * workspace guard, git).
 *
 * @module
 */
import { join } from "node:path";
import { defaultConfig } from "../../src/config/defaults.ts";
import type { Config } from "../../src/config/schema.ts";
import { EventBus } from "../../src/events/bus.ts";
import type { LaoEvent } from "../../src/events/types.ts";
import { buildRunPorts, type BuiltPorts } from "../../src/pipeline/build_deps.ts";
import { Store } from "../../src/store/store.ts";
import { WorkspaceGuard } from "../../src/workspace/guard.ts";
import {
  type FakeServer,
  type FakeServerOptions,
  type Respond,
  start,
} from "../fake_server/server.ts";
import { KEYS } from "./scripted.ts";

/** A running end-to-end environment. */
export interface Harness extends AsyncDisposable {
  dir: string;
  config: Config;
  server: FakeServer;
  store: Store;
  deps: BuiltPorts;
  events: (LaoEvent & { at: string })[];
  /** The first Ctrl+C: `deps.stopping()` turns true and idle waits wake. */
  stop(): void;
  /** The second Ctrl+C: aborts what is in flight (`deps.signal`). */
  abort(): void;
  /** Writes a plan file into plans/. */
  addPlan(name: string, text: string): Promise<string>;
  /**
   * Fresh run ports over the same project, store, bus and server, as a new
   * `lao run` process would build them (a new model manager, new stop
   * signals); `deps`, `stop` and `abort` become the new run's. The old run
   * is left as it stands (its own `stop`/`abort`, taken before, still reach it).
   */
  restart(): Promise<BuiltPorts>;
}

/** Options of {@linkcode harness}. */
export interface HarnessOptions {
  /** Records the model calls to this cassette. */
  record?: string;
  /** The fake server's options. */
  server?: Omit<FakeServerOptions, "respond">;
}

/** Starts a harness; `tune` adjusts the config. */
export async function harness(
  respond: Respond,
  tune: (c: Config) => void = () => {},
  opts: HarnessOptions = {},
): Promise<Harness> {
  const dir = await Deno.makeTempDir({ prefix: "lao_e2e_" });
  const server = await start({ ...opts.server, respond });
  const config = defaultConfig(dir);
  config.lm_studio_base_url = server.url;
  config.server.kind = "lmstudio";
  config.models.planner.key = KEYS.planner;
  config.models.pilot.key = KEYS.planner;
  config.models.coder.key = KEYS.coder;
  config.models.reviewer.key = KEYS.reviewer;
  config.orchestration.retry_cooldown_base_s = 0;
  config.orchestration.llm_retry_backoff_base_s = 0.01;
  config.memory_gate.settle_timeout_s = 1;
  // 1 MB models: the gate's first reading finds room whatever this host has free
  // (the real 17-21 GB sizes made every swap wait out the timeout on a busy host).
  for (const role of ["planner", "pilot", "coder", "reviewer"] as const) {
    config.models[role].size_bytes = 1_000_000;
  }
  tune(config);
  const bus = new EventBus();
  const store = Store.open(join(dir, ".lao", "state.db"), { emit: bus.emit });
  const events: (LaoEvent & { at: string })[] = [];
  bus.subscribe((e) => events.push(e));
  const controllers: AbortController[] = [];
  /** One run's ports and its two stop signals. */
  const runPorts = async () => {
    const controller = new AbortController();
    const stopController = new AbortController();
    controllers.push(controller, stopController);
    const deps = await buildRunPorts({
      config,
      configDir: dir,
      store,
      bus,
      signal: controller.signal,
      stopping: () => stopController.signal.aborted,
      stopSignal: stopController.signal,
      version: "test",
      ...(opts.record ? { record: opts.record } : {}),
      workspaceFs: async (ws) => {
        await Deno.mkdir(ws, { recursive: true });
        return await WorkspaceGuard.open(ws);
      },
    });
    return { deps, stop: () => stopController.abort(), abort: () => controller.abort() };
  };
  const first = await runPorts();
  await Deno.mkdir(join(dir, "plans"), { recursive: true });
  const h: Harness = {
    dir,
    config,
    server,
    store,
    ...first,
    events,
    async restart() {
      const next = await runPorts();
      Object.assign(h, next);
      return next.deps;
    },
    async addPlan(name, text) {
      const path = join(dir, "plans", name);
      await Deno.writeTextFile(path, text);
      return path;
    },
    async [Symbol.asyncDispose]() {
      for (const c of controllers) c.abort();
      store.close();
      await server.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
  return h;
}
