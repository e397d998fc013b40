import assert from "node:assert/strict";
import { weightsFromJunit } from "./test_weights.ts";

Deno.test("weights are each file's test times summed from the JUnit report", () => {
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="deno test" tests="3">
  <testsuite name="./testing/shard_1.ts" tests="3">
    <testcase name="a &quot;quoted&quot; name" classname="./src/b_test.ts" time="0.125" line="3" col="6">
    </testcase>
    <testcase name="two" classname="./src/b_test.ts" time="1.5" line="9" col="6">
    </testcase>
    <testcase name="three" classname="./tests/a_test.ts" time="0.004" line="1" col="6">
      <failure message="boom"></failure>
    </testcase>
  </testsuite>
</testsuites>`;
  assert.deepEqual(weightsFromJunit(xml), { "src/b_test.ts": 1.63, "tests/a_test.ts": 0 });
  assert.deepEqual(Object.keys(weightsFromJunit(xml)), ["src/b_test.ts", "tests/a_test.ts"]);
});
