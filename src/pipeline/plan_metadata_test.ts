import assert from "node:assert/strict";
import { planDeliverables, planPhases } from "./plan_metadata.ts";

const PLAN = `# Shop

Use UTF-8 everywhere and SHA-256 for ids (see ISO-8601 dates).

## Phase 1: catalogue
- REQ-1: list products
- **REQ-2** search by name, HTTP-2 friendly
- SHA-256: not a requirement

## Phase 2: checkout
1. AC-7 pay with a card
## REQ-9 Reports
- REQ-1: duplicate line is ignored
`;

Deno.test("planPhases() takes headings that name a phase, in order", () => {
  assert.deepEqual(planPhases(PLAN), [
    { name: "Phase 1: catalogue", index: 0 },
    { name: "Phase 2: checkout", index: 1 },
  ]);
});

Deno.test("planDeliverables() takes ids that open an item, not standards in running text", () => {
  assert.deepEqual(planDeliverables(PLAN).map((d) => d.id), ["REQ-1", "REQ-2", "AC-7", "REQ-9"]);
  assert.equal(planDeliverables(PLAN)[0]!.description, "REQ-1: list products");
});
