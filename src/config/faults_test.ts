import assert from "node:assert/strict";
import { join } from "node:path";
import { UserError } from "../errors.ts";
import { type ConfigParser, loadConfig, loadConfigWith } from "./load.ts";
import { MAX_CONFIG_BYTES, parseConfigYaml } from "./parse_yaml.ts";
import { configSchema } from "./schema.ts";

function withDir(fn: (dir: string) => void) {
  const dir = Deno.makeTempDirSync({ prefix: "lao_cfg_faults_" });
  try {
    fn(dir);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

function load(dir: string, yaml: string | Uint8Array | null, overrides = {}) {
  const file = join(dir, "factory.yaml");
  if (typeof yaml === "string") Deno.writeTextFileSync(file, yaml);
  else if (yaml) Deno.writeFileSync(file, yaml);
  return loadConfig({ cwd: dir, env: () => undefined, overrides });
}

function errorOf(fn: () => unknown): UserError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof UserError, `expected a UserError, got ${(err as Error).stack}`);
    assert.equal(err.exitCode, 2);
    assert.ok(!err.message.includes("\n"), `not one line: ${err.message}`);
    return err;
  }
  assert.fail("expected an error");
}

Deno.test("a YAML alias bomb is one line, not a stack trace", () => {
  withDir((dir) => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      lines.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(",")}]`);
    }
    const err = errorOf(() => load(dir, lines.join("\n") + "\n"));
    assert.match(err.message, /^factory\.yaml:1: invalid YAML: aliases .* expand to too much data/);
  });
});

Deno.test("several YAML documents in factory.yaml are refused in the user's terms", () => {
  withDir((dir) => {
    const err = errorOf(() => load(dir, "git:\n  enabled: true\n---\ngit:\n  enabled: false\n"));
    assert.match(err.message, /^factory\.yaml:3: more than one YAML document/);
    assert.ok(!/parseAllDocuments/.test(err.message));
  });
});

Deno.test("a section whose keys are all commented out reads as empty", () => {
  withDir((dir) => {
    const { config, warnings } = load(
      dir,
      "orchestration:\n  # coder_batch_size: 3\n  # phase_gated: false\nmodels:\n  coder:\n",
    );
    assert.deepEqual(warnings, []);
    assert.equal(config.orchestration.coder_batch_size, 4);
    assert.equal(config.models.coder.key, "qwen/qwen3-coder-30b");
  });
});

Deno.test("a timeout past the timer's range is refused with its unit and line", () => {
  withDir((dir) => {
    const err = errorOf(() => load(dir, "orchestration:\n  llm_request_timeout_s: 99999999\n"));
    assert.equal(
      err.message,
      "factory.yaml:2: orchestration.llm_request_timeout_s: expected a value <= 86400 seconds (one day), got number 99999999",
    );
    const shell = errorOf(() => load(dir, "tools:\n  shell:\n    timeout_s: .inf\n"));
    assert.match(shell.message, /^factory\.yaml:3: tools\.shell\.timeout_s: /);
  });
});

Deno.test("a factory.yaml that is a folder is named, not ignored", () => {
  withDir((dir) => {
    Deno.mkdirSync(join(dir, "factory.yaml"));
    const err = errorOf(() => load(dir, null));
    assert.equal(
      err.message,
      'Cannot read config "factory.yaml": it is a folder; factory.yaml must be a file',
    );
  });
});

Deno.test("an empty model key says it must not be empty", () => {
  withDir((dir) => {
    const quoted = errorOf(() => load(dir, 'models:\n  coder:\n    key: ""\n'));
    assert.equal(quoted.message, "factory.yaml:3: models.coder.key: must not be empty");
    const bare = errorOf(() => load(dir, "models:\n  coder:\n    key:\n"));
    assert.equal(bare.message, "factory.yaml:3: models.coder.key: must not be empty");
  });
});

Deno.test("a huge number of unknown keys: a bounded number of warnings and a count of the rest", () => {
  withDir((dir) => {
    // 10k keys: far past the 20 warnings; the work per key is shown linear below.
    const n = 10_000;
    const { warnings, config } = load(dir, unknownKeys(n) + "git:\n  enabled: false\n");
    assert.equal(warnings.length, 21);
    assert.match(warnings[0]!, /^factory\.yaml:1: unknown key "k0"/);
    assert.equal(warnings[20], `factory.yaml: ${n - 20} more unknown keys, ignored`);
    assert.equal(config.git.enabled, false);
  });
});

/** `n` top-level keys no schema knows, one per line. */
function unknownKeys(n: number): string {
  return Array.from({ length: n }, (_, i) => `k${i}: ${i}\n`).join("");
}

/**
 * Loads `n` unknown keys through LAO's own path (the real parser, then the
 * unknown-key check, warnings and merge), counting what that path does: each
 * read of the parsed mapping (through a Proxy; listing its keys counts one
 * read per key) and each key-line lookup.
 */
function unknownKeyWork(dir: string, n: number): { reads: number; lookups: number } {
  Deno.writeTextFileSync(join(dir, "factory.yaml"), unknownKeys(n));
  const count = { reads: 0, lookups: 0 };
  const parse: ConfigParser = (text, label) => {
    const parsed = parseConfigYaml(text, label);
    const keyLines = parsed.keyLines;
    const lineOf = keyLines.lineOf.bind(keyLines);
    keyLines.lineOf = (path, keyLine) => (count.lookups++, lineOf(path, keyLine));
    const raw = new Proxy(parsed.raw as Record<string, unknown>, {
      get: (t, k, r) => (count.reads++, Reflect.get(t, k, r)),
      ownKeys: (t) => {
        const keys = Reflect.ownKeys(t);
        count.reads += keys.length;
        return keys;
      },
      getOwnPropertyDescriptor: (t, k) => (count.reads++, Reflect.getOwnPropertyDescriptor(t, k)),
      has: (t, k) => (count.reads++, Reflect.has(t, k)),
    });
    return { raw, keyLines };
  };
  const { warnings } = loadConfigWith(
    { cwd: dir, env: () => undefined },
    parse,
    (c) => configSchema.safeParse(c),
  );
  assert.equal(warnings.length, 21);
  return count;
}

Deno.test("unknown keys cost LAO work linear in their number, and a fixed number of line lookups", () => {
  withDir((dir) => {
    const small = unknownKeyWork(dir, 2_000);
    const large = unknownKeyWork(dir, 4_000);
    // Twice the keys, at most twice the reads (plus a constant): no pass over all keys per key.
    assert.ok(small.reads >= 2_000, `${small.reads} reads for 2,000 keys`);
    assert.ok(large.reads <= 2 * small.reads + 16, `${small.reads} reads, then ${large.reads}`);
    // Lines are looked up for the 20 warnings only, however many keys there are.
    assert.equal(small.lookups, 20);
    assert.equal(large.lookups, 20);
  });
});

Deno.test("a duplicate key names its second line", () => {
  withDir((dir) => {
    const err = errorOf(() => load(dir, "git:\n  enabled: true\n  enabled: false\n"));
    assert.match(err.message, /^factory\.yaml:3: invalid YAML: the key "enabled" appears twice/);
  });
});

Deno.test("non-UTF-8, oversized and deeply nested files are one line each", () => {
  withDir((dir) => {
    const latin1 = new Uint8Array([...new TextEncoder().encode("git:\n  # caf"), 0xe9, 10]);
    const bad = errorOf(() => load(dir, latin1));
    assert.match(
      bad.message,
      /^factory\.yaml:2: the file is not UTF-8 text \(invalid byte at offset 12\)/,
    );
    const big = errorOf(() => load(dir, "# x\n".repeat(MAX_CONFIG_BYTES / 4 + 1)));
    assert.match(big.message, /^factory\.yaml:1: the file is 8\.0 MB, more than the 8\.0 MB/);
    const deep = errorOf(() => load(dir, "a: " + "[".repeat(50_000)));
    assert.match(deep.message, /^factory\.yaml:\d+: invalid YAML: /);
  });
});

Deno.test("__proto__ and constructor keys are unknown keys, nothing more", () => {
  withDir((dir) => {
    const { warnings, config } = load(dir, "__proto__:\n  polluted: 1\nconstructor: 2\n");
    assert.equal(warnings.length, 2);
    assert.equal(({} as Record<string, unknown>)["polluted"], undefined);
    assert.equal(config.git.enabled, true);
  });
});

Deno.test("the database or .lao/ inside the plans folder or a plan workspace is refused", () => {
  withDir((dir) => {
    const inPlans = errorOf(() => load(dir, "paths:\n  database: plans/state.db\n"));
    assert.match(
      inPlans.message,
      /^factory\.yaml:2: paths\.database: ".*plans\/state\.db" is inside the plans folder/,
    );
    const plansHere = errorOf(() => load(dir, "paths:\n  plans: .\n"));
    assert.match(
      plansHere.message,
      /^factory\.yaml:2: paths\.plans: the plans folder .* contains LAO's state folder/,
    );
    Deno.mkdirSync(join(dir, "plans"));
    Deno.writeTextFileSync(join(dir, "plans", "api.md"), "# API\n");
    const inWorkspace = errorOf(() => load(dir, "paths:\n  database: api/state.db\n"));
    assert.match(inWorkspace.message, /is inside the workspace of plan "api"/);
    const viaFlag = errorOf(() => load(dir, "", { db: "api/lao.db" }));
    assert.match(viaFlag.message, /^flag --db: paths\.database: /);
    // A folder no plan uses is fine.
    assert.equal(
      load(dir, "paths:\n  database: data/state.db\n").config.paths.database,
      join(dir, "data", "state.db"),
    );
  });
});
