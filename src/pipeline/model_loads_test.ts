import assert from "node:assert/strict";
import { dependencyDepth, loadLowerBound } from "./model_loads.ts";

const keys = { planner: "p", coder: "c", reviewer: "r" };

Deno.test("dependencyDepth() counts a rework round of a task in a chain as one more level", () => {
  const chain = [
    { id: 1, dependencies: [] },
    { id: 2, dependencies: [1], attempt: 1 },
    { id: 3, dependencies: [2] },
  ];
  assert.equal(dependencyDepth(chain), 4);
  assert.equal(loadLowerBound(dependencyDepth(chain), keys), 9);
  // The same rework on a short side branch leaves the longest chain as it was.
  const side = [...chain.map((t) => ({ ...t, attempt: 0 })), {
    id: 4,
    dependencies: [],
    attempt: 1,
  }];
  assert.equal(dependencyDepth(side), 3);
});
