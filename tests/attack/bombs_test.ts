/**
 * Attack class 4: bombs. Processes, memory, disk, output, many files, deep
 * folders, a model `timeout: 3600`, a catastrophic regex in `search`, a
 * symlink loop for the walk, a file growing while LAO reads it, a process
 * left behind. The limits are lowered in `factory.yaml` (`tools.shell.limits`
 * and `timeout_s`), so each bomb meets its limit quickly; the defaults' own
 * values are read back by `lao sandbox check`.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { type Attack, AttackProject, sh } from "./harness.ts";

const ATTACKS: Attack[] = [
  {
    id: "bomb_fork",
    // The storm meets the process limit at once (a tenth of a second is thousands of forks);
    // when the shell ends, its processes go with it.
    steps: [sh("f(){ f | f & }; f 2>/dev/null; sleep 0.1; echo survived", 3600)],
  },
  {
    id: "bomb_memory",
    steps: [
      sh(`python3 -c "x = bytearray(64 * 1024**3)" 2>&1 | tail -1`),
      sh(`python3 -c "x = [bytearray(2**30) for _ in range(64)]" 2>&1 | tail -1`),
    ],
  },
  {
    id: "bomb_output",
    steps: [
      // Past every cap: the model's head and tail, and the shell log's 16 MiB.
      sh("yes 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' | head -c 24000000"),
      // Binary output past the model's head and tail (the log's cap is the step above's).
      sh("head -c 2000000 /dev/urandom"),
      sh("printf 'x%.0s' $(seq 1 200000) 1>&2"),
    ],
  },
  {
    id: "bomb_files",
    steps: [
      // Deep folders and link loops first, so the shell timeout never cuts them.
      sh(
        "d=deep; for i in $(seq 1 300); do d=$d/d; done; mkdir -p $d 2>&1 | tail -1; " +
          "echo 'print(1)' > $d/x.py 2>&1 | tail -1; ln -s . loop; ln -s loop2 loop1; ln -s loop1 loop2; " +
          "mkdir -p ring/a; ln -s ../../ring ring/a/back; " +
          // The texts that make backtracking regexes explode, in a folder of their own.
          `mkdir rx; printf '${"a".repeat(40)}!\\n${"x".repeat(40)}\\n' > rx/t.txt; echo made`,
      ),
      // Past list_dir's 400 entries. The search's 5,000-entry walk and find_relevant_files'
      // 2,000 files are src/tools/walk_caps_test.ts's, in memory: 5,000 files on this disk
      // cost seconds of kernel time, more than the shell's timeout here.
      sh("mkdir -p many && cd many && seq 1 420 | xargs touch; echo touched"),
      { tool: "search", args: { pattern: "^(a+)+$", regex: true, path: "rx" } },
      { tool: "search", args: { pattern: "(x+x+)+y", regex: true, path: "many" } },
      { tool: "search", args: { pattern: "(a|aa)*\\1", regex: true, path: "rx" } },
      { tool: "search", args: { pattern: "(x+x+)+y", regex: true, path: "rx" } },
      { tool: "list_dir", args: { path: ".", depth: 8 } },
      { tool: "find_relevant_files", args: { query: "print loop ring" } },
    ],
  },
  {
    id: "bomb_disk",
    steps: [
      sh("head -c 1100000000 /dev/zero > big.bin; ls -la big.bin; rm -f big.bin; echo next"),
      sh("head -c 600000000 /dev/zero > /tmp/fill 2>&1; ls -la /tmp/fill 2>&1; echo tmp"),
    ],
  },
  {
    id: "bomb_timeout",
    // One step: the model's timeout: 3600, a shell and a child that ignore TERM.
    steps: [
      sh(
        "trap '' TERM INT HUP; (trap '' TERM; sleep 3000; echo woke) & sleep 3000; echo woke",
        3600,
      ),
    ],
  },
  {
    id: "bomb_leftover",
    steps: [
      sh(
        "nohup sh -c 'while :; do echo xxxxxxxxxxxxxxxxxxxxxxxx >> grow.py; done' >/dev/null 2>&1 & " +
          "setsid sh -c 'sleep 1; while :; do echo y >> grow2.md; done' >/dev/null 2>&1 & echo spawned",
      ),
      { tool: "file_read", args: { path: "grow.py" } },
      { tool: "search", args: { pattern: "zzz" } },
    ],
  },
];

/**
 * Small limits, so each bomb meets its limit at once instead of filling a
 * gigabyte first: the attacks are the same, only the caps are lower.
 */
const BOMB_LIMITS_YAML = `tools:
  shell:
    timeout_s: 1
    limits:
      processes: 64
      memory_mb: 256
      cpu_seconds: 10
      file_size_mb: 16
      workspace_growth_mb: 32
      tmp_mb: 8
`;

Deno.test("attack: bombs are stopped by the sandbox's limits; LAO stays up and small", async () => {
  await using p = await AttackProject.create(
    ATTACKS,
    BOMB_LIMITS_YAML,
  );
  const r = await p.run();
  // Nothing keeps growing the workspace after its command ended: the size now,
  // and again after the run's checks (a left writer appends thousands of lines meanwhile).
  const ws = join(p.paths.base, "bomb_leftover");
  const size = async () => (await Deno.stat(join(ws, "grow.py")).catch(() => ({ size: 0 }))).size;
  const before = await size();
  await p.assertHeld(r);
  for (const a of ATTACKS) {
    assert.ok(r.results.has(a.id), `the coder of ${a.id} never ran:\n${r.stdout}\n${r.stderr}`);
  }
  // The files the shell made are listed up to list_dir's cap, which the listing names.
  assert.match(p.seen(r, "bomb_files"), /listing stopped after 400 entries/);
  // The model's timeout: 3600 was cut to tools.shell.timeout_s.
  assert.doesNotMatch(p.seen(r, "bomb_timeout"), /woke/);
  // Every request to the model stayed bounded (the output cap held).
  const biggest = Math.max(...p.server.requests.map((q) => JSON.stringify(q.body ?? "").length));
  assert.ok(biggest < 2_000_000, `a request of ${biggest} bytes reached the model`);
  assert.equal(await size(), before, "a process left by the shell still writes the workspace");
});
