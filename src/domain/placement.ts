/**
 * Where a task's phase runs on a run with slots (issue 16): a server and,
 * for the first `slots` tasks it runs, a slot. A server runs one task more
 * than it has slots (`pipeline/request_gate.ts`); that one has no slot of its
 * own and takes the next one a request frees.
 *
 * @module
 */

/** `a slot 2`, or `a, next for a slot` for the task beyond the server's slots. */
export function placeText(server: string, slot: number | undefined): string {
  return slot === undefined ? `${server}, next for a slot` : `${server} slot ${slot}`;
}
