import assert from "node:assert/strict";
import { memoryOutput } from "../ui/output.ts";
import { pilotRenderer } from "./render.ts";

const AT = "2026-01-01T00:00:00.000Z";

Deno.test("on a terminal an answer is written as it streams and not printed again whole", () => {
  const out = memoryOutput();
  let screen = "";
  const render = pilotRenderer(out, { echoUser: false, write: (t) => screen += t });
  render({ at: AT, type: "pilot.delta", text: "Hel" });
  render({ at: AT, type: "pilot.delta", text: "lo!" });
  assert.equal(screen, "Pilot: Hello!");
  render({ at: AT, type: "pilot.message", role: "assistant", text: "Hello!" });
  assert.equal(screen, "Pilot: Hello!\n");
  assert.deepEqual(out.stdout, []);
});

Deno.test("a tool call ends the streamed line; a different final answer is printed whole", () => {
  const out = memoryOutput();
  let screen = "";
  const render = pilotRenderer(out, { echoUser: false, write: (t) => screen += t });
  render({ at: AT, type: "pilot.delta", text: "Let me look." });
  render({
    at: AT,
    type: "tool.call",
    tool: "list_dir",
    ok: true,
    summary: "list_dir(path=.): 3 entries",
  });
  assert.equal(screen, "Pilot: Let me look.\n");
  assert.deepEqual(out.stdout, ["  ✓ list_dir(path=.): 3 entries"]);
  render({ at: AT, type: "pilot.message", role: "assistant", text: "There are 3 files." });
  assert.deepEqual(out.stdout.at(-1), "Pilot: There are 3 files.");
});

Deno.test("from a pipe the pieces are ignored and each answer is one line", () => {
  const out = memoryOutput();
  const render = pilotRenderer(out, { echoUser: true });
  render({ at: AT, type: "pilot.delta", text: "Hel" });
  render({ at: AT, type: "pilot.message", role: "user", text: "hi" });
  render({ at: AT, type: "pilot.message", role: "assistant", text: "Hello!" });
  assert.deepEqual(out.stdout, ["You: hi", "Pilot: Hello!"]);
});
