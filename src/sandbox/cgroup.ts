/**
 * Per-command cgroups (v1 or v2), used when they can be created (root, or a
 * delegated cgroup):
 *
 * - **pids** (`pids.max`): processes alive at once. RLIMIT_NPROC does not
 *   hold for root, so for root this is what holds a fork bomb.
 * - **memory** (`memory.max` on v2, `memory.limit_in_bytes` on v1): memory
 *   of all the command's processes together (tmpfs pages included), with
 *   swap off for the command (`memory.swap.max` = 0 on v2,
 *   `memory.memsw.limit_in_bytes` = the cap on v1) where the kernel accounts
 *   swap, so the cap is real. On v2 `memory.oom.group` makes the kernel end
 *   the whole command at once; on v1 {@linkcode memoryKills} lets the runner
 *   stop it.
 *
 * On v2 one folder holds both; on v1 each lives in its own hierarchy and the
 * command joins both. When no memory cgroup can be made, the per-process
 * address-space limit (RLIMIT_AS) is all there is, and
 * {@linkcode probeCgroups} says so. Everything goes through `sh`, so LAO
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

/** Candidate parent folders for the command's cgroups, from `/proc/self/cgroup` text. */
export interface CgroupParents {
  /** Parents for the pids cgroup: v1 pids hierarchy, then v2 (which may hold memory too). */
  pids: string[];
  /** Parents in a v1 memory hierarchy (used when the pids cgroup has no memory controller). */
  memoryV1: string[];
}

/** Parses `/proc/self/cgroup` into the candidate parents, in order of preference. */
export function cgroupParents(procSelfCgroup: string): CgroupParents {
  const out: CgroupParents = { pids: [], memoryV1: [] };
  for (const line of procSelfCgroup.split("\n")) {
    const m = /^(\d+):([^:]*):(.*)$/.exec(line.trim());
    if (!m) continue;
    const [, id, ctrls, path] = m;
    const rel = path === "/" ? "" : path;
    const names = ctrls!.split(",");
    if (id !== "0" && names.includes("pids")) out.pids.push(`/sys/fs/cgroup/pids${rel}`);
    if (id !== "0" && names.includes("memory")) out.memoryV1.push(`/sys/fs/cgroup/memory${rel}`);
    if (id === "0" && ctrls === "") {
      out.pids.push(`/sys/fs/cgroup${rel}`, `/sys/fs/cgroup/unified${rel}`);
    }
  }
  return out;
}

/** Candidate parent folders for a pids cgroup, from `/proc/self/cgroup` text. */
export function pidsCgroupParents(procSelfCgroup: string): string[] {
  return cgroupParents(procSelfCgroup).pids;
}

/** The cgroups made for one command. */
export interface CommandCgroup {
  /** Every folder the command joins (one on v2, one per hierarchy on v1). */
  paths: string[];
  /** The folder with `pids.max`, when the process limit has a cgroup. */
  pids?: string;
  /** The memory cgroup, when the memory limit has one. */
  memory?: MemoryCgroup;
}

/** A memory cgroup of one command. */
export interface MemoryCgroup {
  /** Its folder. */
  path: string;
  /** cgroup version. */
  version: 1 | 2;
  /** True when swap is off for the command (or the kernel accounts no swap to turn off). */
  swapCapped: boolean;
}

/**
 * Arguments: procs, memory bytes (0: none), name, count of pids parents, the
 * pids parents, then the v1 memory parents. Prints `pids DIR`, `memory2 DIR
 * SWAP` or `memory1 DIR SWAP` lines (SWAP: `swap-off` or `swap-on`).
 */
const CREATE = `procs="$1"; mem="$2"; name="$3"; n="$4"; shift 4
pids=""; memdir=""; i=0
while [ "$i" -lt "$n" ]; do
  parent="$1"; shift; i=$((i+1))
  [ -z "$pids" ] || continue
  [ -f "$parent/cgroup.procs" ] || continue
  if [ -f "$parent/cgroup.subtree_control" ]; then
    on=""; read -r on < "$parent/cgroup.subtree_control" 2>/dev/null
    case " $on " in *" pids "*) ;; *) echo +pids > "$parent/cgroup.subtree_control" 2>/dev/null ;; esac
    if [ "$mem" != 0 ]; then
      case " $on " in
        *" memory "*) ;;
        *) echo +memory > "$parent/cgroup.subtree_control" 2>/dev/null ;;
      esac
    fi
  fi
  d="$parent/$name"
  mkdir "$d" 2>/dev/null || continue
  if ! echo "$procs" > "$d/pids.max" 2>/dev/null; then rmdir "$d" 2>/dev/null; continue; fi
  pids="$d"; echo "pids $d"
  if [ "$mem" != 0 ] && [ -f "$d/memory.max" ] && echo "$mem" > "$d/memory.max" 2>/dev/null; then
    memdir="$d"; swap=swap-off
    if [ -f "$d/memory.swap.max" ]; then echo 0 > "$d/memory.swap.max" 2>/dev/null || swap=swap-on; fi
    echo 1 > "$d/memory.oom.group" 2>/dev/null
    echo "memory2 $d $swap"
  fi
done
[ "$mem" = 0 ] && { [ -n "$pids" ]; exit $?; }
for parent in "$@"; do
  [ -z "$memdir" ] || break
  [ -f "$parent/cgroup.procs" ] && [ -f "$parent/memory.limit_in_bytes" ] || continue
  d="$parent/$name"
  mkdir "$d" 2>/dev/null || continue
  if ! echo "$mem" > "$d/memory.limit_in_bytes" 2>/dev/null; then rmdir "$d" 2>/dev/null; continue; fi
  memdir="$d"; swap=swap-off
  if [ -f "$d/memory.memsw.limit_in_bytes" ]; then
    echo "$mem" > "$d/memory.memsw.limit_in_bytes" 2>/dev/null || swap=swap-on
  elif [ -n "$(awk 'NR > 1 { print; exit }' /proc/swaps 2>/dev/null)" ]; then
    swap=swap-on
  fi
  echo 0 > "$d/memory.swappiness" 2>/dev/null
  echo "memory1 $d $swap"
done
[ -n "$pids" ] || [ -n "$memdir" ]`;

/**
 * Arguments: folders. Prints `pids-max N`, `oom-kill N`, `mem-max N` and `failcnt N` lines.
 * Shell builtins only (`read`, `case`, `echo`): no process per counter file.
 */
const EVENTS = `for d in "$@"; do
  [ -f "$d/pids.events" ] && while read -r k v || [ -n "$k" ]; do
    [ "$k" = max ] && echo "pids-max $v"
  done < "$d/pids.events"
  [ -f "$d/memory.events" ] && while read -r k v || [ -n "$k" ]; do
    case "$k" in oom_kill) echo "oom-kill $v" ;; max) echo "mem-max $v" ;; esac
  done < "$d/memory.events"
  [ -f "$d/memory.oom_control" ] && while read -r k v || [ -n "$k" ]; do
    [ "$k" = oom_kill ] && echo "oom-kill $v"
  done < "$d/memory.oom_control"
  [ -f "$d/memory.failcnt" ] && while read -r v || [ -n "$v" ]; do
    echo "failcnt $v"
  done < "$d/memory.failcnt"
done 2>/dev/null
exit 0`;

/** Kills every process listed in `$d/cgroup.procs` (builtins only). */
const KILL_LEFT =
  `while read -r p || [ -n "$p" ]; do kill -9 "$p"; done 2>/dev/null < "$d/cgroup.procs"`;

/** Arguments: folders. Kills what is left, prints the events (as {@link EVENTS}), removes them. */
const REMOVE = `for d in "$@"; do
  [ -d "$d" ] || continue
  ${KILL_LEFT}
done
${EVENTS.replace(/\nexit 0$/, "")}
status=0
for d in "$@"; do
  [ -d "$d" ] || continue
  i=0
  while ! rmdir "$d" 2>/dev/null; do
    i=$((i+1)); [ "$i" -gt 100 ] && { status=1; break; }
    ${KILL_LEFT}
    sleep 0.05
  done
done
exit $status`;

/** Parents (cached per process), or undefined when not yet read. */
let knownParents: CgroupParents | undefined;
/** False once no cgroup at all could be made here (not tried again). */
let anyWorks = true;
/** False once no memory cgroup could be made here (not tried again). */
let memoryWorks = true;

/** Limits that get a cgroup. */
export interface CgroupLimits {
  /** `pids.max`. */
  processes: number;
  /** Memory cap in bytes for the whole command; 0 or absent: no memory cgroup. */
  memoryBytes?: number;
}

/** Parses the output of {@link CREATE}. */
export function parseCreated(out: string): CommandCgroup | undefined {
  const cg: CommandCgroup = { paths: [] };
  for (const line of out.split("\n")) {
    const [kind, path, swap] = line.trim().split(" ");
    if (path === undefined || path === "") continue;
    if (kind === "pids") cg.pids = path;
    else if (kind === "memory2" || kind === "memory1") {
      cg.memory = { path, version: kind === "memory2" ? 2 : 1, swapCapped: swap === "swap-off" };
    } else continue;
    if (!cg.paths.includes(path)) cg.paths.push(path);
  }
  return cg.paths.length === 0 ? undefined : cg;
}

/** Creates the command's cgroups; undefined when none can be created here. */
export async function createCommandCgroup(
  limits: CgroupLimits,
): Promise<CommandCgroup | undefined> {
  if (!anyWorks) return undefined;
  if (knownParents === undefined) {
    const self = await sh("cat /proc/self/cgroup", []);
    knownParents = cgroupParents(self.out);
  }
  const p = knownParents;
  const mem = memoryWorks ? Math.max(0, Math.floor(limits.memoryBytes ?? 0)) : 0;
  const name = `lao-${crypto.randomUUID().slice(0, 12)}`;
  const r = await sh(CREATE, [
    String(limits.processes),
    String(mem),
    name,
    String(p.pids.length),
    ...p.pids,
    ...p.memoryV1,
  ]);
  const cg = r.code === 0 ? parseCreated(r.out) : undefined;
  if (cg === undefined) {
    anyWorks = false;
    return undefined;
  }
  if (mem > 0 && cg.memory === undefined) memoryWorks = false;
  return cg;
}

/** Creates a pids cgroup allowing `max` processes; undefined when none can be created here. */
export async function createPidsCgroup(max: number): Promise<string | undefined> {
  const cg = await createCommandCgroup({ processes: max });
  return cg?.pids;
}

/** What the limits did during one command, read from the cgroups' event counters. */
export interface CgroupEvents {
  /** True when a fork was refused at `pids.max`. */
  processLimitHit: boolean;
  /** Processes the kernel killed at the memory cap. */
  oomKills: number;
  /** True when memory use reached the cap (the kernel reclaimed or killed). */
  memoryLimitHit: boolean;
}

/** Parses the output of {@link EVENTS}. */
export function parseEvents(out: string): CgroupEvents {
  const count = (name: string) => {
    let n = 0;
    for (const m of out.matchAll(new RegExp(`^${name} (\\d+)$`, "gm"))) n += Number(m[1]);
    return n;
  };
  const oomKills = count("oom-kill");
  return {
    processLimitHit: count("pids-max") > 0,
    oomKills,
    memoryLimitHit: oomKills > 0 || count("mem-max") > 0 || count("failcnt") > 0,
  };
}

/** Processes the kernel has killed at the memory cap so far (0 without a memory cgroup). */
export async function memoryKills(cg: CommandCgroup): Promise<number> {
  if (cg.memory === undefined) return 0;
  return parseEvents((await sh(EVENTS, [cg.memory.path])).out).oomKills;
}

/** Kills what is left in the cgroups, removes them and says which limits acted. */
export async function removeCommandCgroup(cg: CommandCgroup): Promise<CgroupEvents> {
  const r = await sh(REMOVE, cg.paths);
  return parseEvents(r.out);
}

/** Kills what is left in the cgroup and removes it; true when the process limit was hit. */
export async function removePidsCgroup(path: string): Promise<boolean> {
  return (await removeCommandCgroup({ paths: [path], pids: path })).processLimitHit;
}

/** What this host offers, from one test cgroup made and removed at once. */
export interface CgroupSupport {
  /** A pids cgroup can be made (the process limit holds as root). */
  pids: boolean;
  /** A memory cgroup can be made (the memory limit holds across processes). */
  memory: boolean;
  /** Swap is off inside the memory cgroup (or the host accounts none). */
  swapCapped: boolean;
}

/** Tries to make the command cgroups once and removes them. */
export async function probeCgroups(): Promise<CgroupSupport> {
  const cg = await createCommandCgroup({ processes: 64, memoryBytes: 64 * 1024 ** 2 });
  if (cg !== undefined) await removeCommandCgroup(cg);
  return {
    pids: cg?.pids !== undefined,
    memory: cg?.memory !== undefined,
    swapCapped: cg?.memory?.swapCapped ?? false,
  };
}

/** The `sh -c` launcher that moves itself into every cgroup folder and then execs its arguments. */
export function cgroupLauncher(
  cgroups: string | readonly string[],
  program: string,
  args: readonly string[],
): string[] {
  const paths = typeof cgroups === "string" ? [cgroups] : [...cgroups];
  const script = `n=${paths.length}; i=0
while [ "$i" -lt "$n" ]; do echo $$ > "$1/cgroup.procs" || exit 125; shift; i=$((i+1)); done
exec "$@"`;
  return ["-c", script, "sh", ...paths, program, ...args];
}
