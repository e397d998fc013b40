import assert from "node:assert/strict";
import { parseArgs } from "./main.ts";

Deno.test("deno task fake-server takes --port and --flavor and refuses anything else", () => {
  assert.deepEqual(parseArgs([]), { port: 1234, flavor: "lmstudio" });
  assert.deepEqual(parseArgs(["--port", "4321", "--flavor", "llamacpp"]), {
    port: 4321,
    flavor: "llamacpp",
  });
  assert.match(String(parseArgs(["--flavor", "vllm"])), /unknown flavor "vllm"/);
  assert.match(String(parseArgs(["--port", "x"])), /unknown argument "--port"/);
});
