import assert from "node:assert/strict";
import { hiddenToolchains } from "./toolchain_hint.ts";

Deno.test("hiddenToolchains() names the home folders behind PATH entries the sandbox hides", () => {
  const path = [
    "/home/ada/.pyenv/shims",
    "/home/ada/.cargo/bin",
    "/usr/local/bin",
    "/home/ada/.pyenv/bin",
    "/usr/bin",
    "/home/ada/.deno/bin",
  ].join(":");
  assert.deepEqual(hiddenToolchains(path, "/home/ada", []), [
    "/home/ada/.pyenv",
    "/home/ada/.cargo",
    "/home/ada/.deno",
  ]);
  assert.deepEqual(hiddenToolchains(path, "/home/ada", ["/home/ada/.cargo", "/home/ada/.deno"]), [
    "/home/ada/.pyenv",
  ]);
  assert.deepEqual(hiddenToolchains("/usr/bin:/home/adam/bin", "/home/ada", []), []);
});
