import assert from "node:assert/strict";
import { homeChoices, homeDefault, numberedMenu, parseMenuAnswer } from "./home_menu.ts";

const facts = { config: "/p/factory.yaml", server: "ok" as const, missingModels: [], plans: 1 };

Deno.test("home menu: every action is offered, Exit is the default at home and at /", () => {
  const choices = homeChoices(facts);
  assert.deepEqual(choices.map((c) => c.value).sort(), [
    "configure-models",
    "exit",
    "health",
    "init",
    "pilot",
    "projects",
    "run",
    "status",
  ]);
  assert.equal(homeDefault(choices, "/home/me", "/home/me/"), "exit");
  assert.equal(homeDefault(choices, "/", "/home/me"), "exit");
  assert.equal(homeDefault(choices, "/home/me/app", "/home/me"), "run");
  assert.equal(homeDefault(homeChoices({ ...facts, config: null }), "/w", "/home/me"), "init");
});

Deno.test("numbered fallback: numbers, ids and Enter pick; anything else is asked again", () => {
  const choices = homeChoices(facts);
  const lines = numberedMenu(choices, "exit");
  assert.equal(lines.length, choices.length);
  assert.match(lines.at(-1)!, /\d\) Exit \[default\]/);
  assert.equal(parseMenuAnswer("1", choices, "exit"), choices[0]!.value);
  assert.equal(parseMenuAnswer(" pilot ", choices, "exit"), "pilot");
  assert.equal(parseMenuAnswer("", choices, "exit"), "exit");
  assert.equal(parseMenuAnswer("99", choices, "exit"), null);
  assert.equal(parseMenuAnswer("banana", choices, "exit"), null);
});
