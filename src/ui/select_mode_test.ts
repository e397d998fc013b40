import assert from "node:assert/strict";
import { selectUiMode } from "./select_mode.ts";

Deno.test("selectUiMode() picks json whenever --json is given", () => {
  assert.equal(
    selectUiMode({ json: true, plain: true, envMode: "rich", stdoutIsTty: true }),
    "json",
  );
});

Deno.test("selectUiMode() picks the plain log for --plain, LAO_UI_MODE=plain or a pipe", () => {
  assert.equal(selectUiMode({ plain: true, envMode: "rich", stdoutIsTty: true }), "plain");
  assert.equal(selectUiMode({ envMode: "PLAIN", stdoutIsTty: true }), "plain");
  assert.equal(selectUiMode({ stdoutIsTty: false }), "plain");
});

Deno.test("selectUiMode() picks the dashboard on a TTY or with LAO_UI_MODE=rich", () => {
  assert.equal(selectUiMode({ stdoutIsTty: true }), "dashboard");
  assert.equal(selectUiMode({ envMode: "rich", stdoutIsTty: false }), "dashboard");
  assert.equal(selectUiMode({ envMode: "fancy", stdoutIsTty: true }), "dashboard");
  assert.equal(selectUiMode({ envMode: "fancy", stdoutIsTty: false }), "plain");
});
