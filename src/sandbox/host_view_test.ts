import assert from "node:assert/strict";
import { LINUX_READ_ONLY, optToolchainRoots } from "./host_view.ts";

Deno.test("host view: /opt is not visible as a whole; toolchains on PATH under it are, by their root", () => {
  assert.equal(LINUX_READ_ONLY.includes("/opt"), false);
  assert.deepEqual(
    optToolchainRoots(
      "/usr/bin:/opt/hostedtoolcache/Python/3.12.1/x64/bin:/opt/go/bin/:/opt:/opt/x/../y/bin:/opt/tool",
    ),
    ["/opt/hostedtoolcache/Python/3.12.1/x64", "/opt/go", "/opt/tool"],
  );
});
