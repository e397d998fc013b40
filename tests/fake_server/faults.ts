/**
 * Which injected fault applies to a request: by path, by model key (a
 * role's model), after letting `skip` requests through, `times` times (or
 * forever when `sticky`).
 *
 * @module
 */
import type { Fault } from "./types.ts";

const seen = new WeakMap<Fault, { passed: number; applied: number }>();

/** Picks the fault for one request; `rest` is the fault list to keep. */
export function pickFault(
  faults: Fault[],
  path: string,
  model: string | undefined,
): { fault: Fault | undefined; rest: Fault[] } {
  for (const fault of faults) {
    if ((fault.path ?? "/v1/chat/completions") !== path) continue;
    if (fault.model !== undefined && fault.model !== model) continue;
    const count = seen.get(fault) ?? { passed: 0, applied: 0 };
    seen.set(fault, count);
    if (count.passed < (fault.skip ?? 0)) {
      count.passed++;
      continue;
    }
    count.applied++;
    const spent = !fault.sticky && count.applied >= (fault.times ?? 1);
    return { fault, rest: spent ? faults.filter((f) => f !== fault) : faults };
  }
  return { fault: undefined, rest: faults };
}
