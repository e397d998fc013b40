/**
 * A per-command pids cgroup (v1 or v2), used when it can be created (root,
 * or a delegated cgroup). RLIMIT_NPROC does not hold for root, so for root
 * this is what holds a fork bomb. Everything goes through `sh`, so LAO
 * needs no write grant on `/sys`.
 *
 * @module
 */

/** Runs `sh -c script args...` and returns exit code and stdout. */
async function sh(script: string, args: string[]): Promise<{ code: number; out: string }> {
  try {
    const o = await new Deno.Command("sh", {
      args: ["-c", script, "sh", ...args],
      stdin: "null",
      stdout: "piped",
      stderr: "null",
    }).output();
    return { code: o.code, out: new TextDecoder().decode(o.stdout) };
  } catch {
    return { code: -1, out: "" };
  }
}

/** Candidate parent folders for a pids cgroup, from `/proc/self/cgroup` text. */
export function pidsCgroupParents(procSelfCgroup: string): string[] {
  const out: string[] = [];
  for (const line of procSelfCgroup.split("\n")) {
    const m = /^(\d+):([^:]*):(.*)$/.exec(line.trim());
    if (!m) continue;
    const [, id, ctrls, path] = m;
    const rel = path === "/" ? "" : path;
    if (id !== "0" && ctrls!.split(",").includes("pids")) out.push(`/sys/fs/cgroup/pids${rel}`);
    if (id === "0" && ctrls === "") {
      out.push(`/sys/fs/cgroup${rel}`, `/sys/fs/cgroup/unified${rel}`);
    }
  }
  return out;
}

const CREATE = `max="$1"; name="$2"; shift 2
for parent in "$@"; do
  [ -f "$parent/cgroup.procs" ] || continue
  if [ -f "$parent/cgroup.subtree_control" ]; then
    grep -qw pids "$parent/cgroup.subtree_control" 2>/dev/null ||
      echo +pids > "$parent/cgroup.subtree_control" 2>/dev/null
  fi
  d="$parent/$name"
  mkdir "$d" 2>/dev/null || continue
  if echo "$max" > "$d/pids.max" 2>/dev/null; then echo "$d"; exit 0; fi
  rmdir "$d" 2>/dev/null
done
exit 1`;

const REMOVE = `d="$1"
[ -d "$d" ] || exit 0
for p in $(cat "$d/cgroup.procs" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
cat "$d/pids.events" 2>/dev/null
i=0
while ! rmdir "$d" 2>/dev/null; do
  i=$((i+1)); [ "$i" -gt 100 ] && exit 1
  for p in $(cat "$d/cgroup.procs" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
  sleep 0.05
done`;

/** Parents that worked before (cached per process), or undefined when not yet tried. */
let knownParents: string[] | undefined;

/** Creates a pids cgroup allowing `max` processes; undefined when none can be created here. */
export async function createPidsCgroup(max: number): Promise<string | undefined> {
  if (knownParents === undefined) {
    const self = await sh("cat /proc/self/cgroup", []);
    knownParents = pidsCgroupParents(self.out);
  }
  if (knownParents.length === 0) return undefined;
  const name = `lao-${crypto.randomUUID().slice(0, 12)}`;
  const r = await sh(CREATE, [String(max), name, ...knownParents]);
  const path = r.out.trim();
  if (r.code !== 0 || path === "") {
    knownParents = [];
    return undefined;
  }
  return path;
}

/** Kills what is left in the cgroup and removes it; true when the process limit was hit. */
export async function removePidsCgroup(path: string): Promise<boolean> {
  const r = await sh(REMOVE, [path]);
  const hits = /^max\s+(\d+)/m.exec(r.out);
  return hits !== null && Number(hits[1]) > 0;
}

/** The `sh -c` launcher that moves itself into `cgroup` and then execs its arguments. */
export function cgroupLauncher(cgroup: string, program: string, args: readonly string[]): string[] {
  return ["-c", 'echo $$ > "$0/cgroup.procs" || exit 125; exec "$@"', cgroup, program, ...args];
}
