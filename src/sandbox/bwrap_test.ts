import assert from "node:assert/strict";
import { bwrapArgs } from "./bwrap.ts";
import { seatbeltArgs } from "./seatbelt.ts";

Deno.test("bwrapArgs() hides home, binds the workspace last and keeps the network off", () => {
  const args = bwrapArgs({
    root: "/home/u/proj",
    home: "/home/u",
    homeAllow: ["/home/u/.cargo"],
    readOnly: ["/home/u/proj/.git/hooks"],
    network: false,
  }, "make");
  const s = args.join(" ");
  assert.ok(args.includes("--unshare-net"));
  assert.ok(args.includes("--die-with-parent") && args.includes("--new-session"));
  assert.ok(s.indexOf("--tmpfs /home/u ") < s.indexOf("--bind /home/u/proj /home/u/proj"));
  assert.ok(s.indexOf("--bind /home/u/proj") < s.indexOf("--ro-bind /home/u/proj/.git/hooks"));
  assert.match(s, /--ro-bind-try \/home\/u\/.cargo \/home\/u\/.cargo/);
  assert.deepEqual(args.slice(-3), ["/bin/sh", "-c", "make"]);
});

Deno.test("bwrapArgs() shares the network only when granted", () => {
  const args = bwrapArgs({ root: "/w", homeAllow: [], readOnly: [], network: true }, "true");
  assert.equal(args.includes("--unshare-net"), false);
});

Deno.test("seatbeltArgs() passes paths as parameters, not inside the profile", () => {
  const args = seatbeltArgs({
    root: '/Users/u/p")(allow default',
    tmp: "/private/tmp/x",
    network: false,
  }, "ls");
  const profile = args[1] ?? "";
  assert.doesNotMatch(profile, /allow default/);
  assert.doesNotMatch(profile, /allow network/);
  assert.ok(args.includes('-DROOT=/Users/u/p")(allow default'));
});
