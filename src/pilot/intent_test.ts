import assert from "node:assert/strict";
import { detectProjectIntent } from "./intent.ts";

Deno.test("intent: messages that name a project", () => {
  const cases: [string, string][] = [
    ["/Users/me/code/app", "/Users/me/code/app"],
    ["/home/x/proj please look", "/home/x/proj"],
    ["continue working on benchmark project", "benchmark"],
    ["resume the myapp project", "myapp"],
    ["check benchmark project", "benchmark"],
    ["switch to project shop-api", "shop-api"],
    ["please switch to webshop", "webshop"],
    ["open the project called billing", "billing"],
    ["Can you work on the notes app?", "notes"],
  ];
  for (const [text, want] of cases) assert.equal(detectProjectIntent(text), want, text);
});

Deno.test("intent: ordinary sentences detect nothing", () => {
  const cases = [
    "create a plan for auth",
    "Create a plan for the login page",
    "write a plan in markdown for the API",
    "what's the weather like today?",
    "/",
    "/foobar",
    "check the project for errors",
    "what is the status of this project",
    "This project uses Deno and SQLite",
    "open the file src/main.ts",
    "resume",
    "continue",
    "check that the tests pass",
    "switch to the new branch and run the tests",
    "use a plan to add caching",
    "look at the plan for auth",
    "I like the project structure",
    "work on the plan for payments",
  ];
  for (const text of cases) assert.equal(detectProjectIntent(text), null, text);
});
