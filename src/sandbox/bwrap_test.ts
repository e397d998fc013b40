import assert from "node:assert/strict";
import { bwrapArgs, type BwrapProfile } from "./bwrap.ts";
import { hiddenFolders } from "./linux_view.ts";
import { seatbeltArgs, seatbeltProfileText } from "./seatbelt.ts";

const base: BwrapProfile = {
  root: "/home/u/proj/plan",
  system: [
    { kind: "dir", path: "/usr" },
    { kind: "symlink", path: "/bin", target: "usr/bin" },
    { kind: "dir", path: "/etc" },
  ],
  masks: [{ path: "/etc/shadow", dir: false }, { path: "/etc/sudoers.d", dir: true }],
  home: "/home/u",
  homeAllow: ["/home/u/.cargo"],
  git: { kind: "read-only", path: "/home/u/proj/plan/.git" },
  readOnly: ["/home/u/proj/plan/.lao"],
  network: false,
  tmpfsBytes: 1024,
};

Deno.test("bwrapArgs() builds the view from a list, never binding / itself", () => {
  const args = bwrapArgs(base, "make");
  const s = args.join(" ");
  assert.doesNotMatch(s, /--ro-bind \/ \//);
  assert.match(s, /--ro-bind \/usr \/usr/);
  assert.match(s, /--symlink usr\/bin \/bin/);
  assert.match(s, /--ro-bind \/dev\/null \/etc\/shadow/);
  assert.match(s, /--tmpfs \/etc\/sudoers.d --remount-ro \/etc\/sudoers.d/);
  assert.match(s, /--size 1024 --tmpfs \/tmp/);
  assert.doesNotMatch(s, /\/run|\/var\/run|\/root/);
});

Deno.test("bwrapArgs() drops every capability in a new user namespace, network off", () => {
  const args = bwrapArgs(base, "make");
  const s = args.join(" ");
  assert.ok(args.includes("--unshare-net"));
  assert.ok(args.includes("--unshare-user") && args.includes("--disable-userns"));
  assert.match(s, /--cap-drop ALL/);
  assert.ok(args.includes("--die-with-parent") && args.includes("--new-session"));
  assert.deepEqual(args.slice(-3), ["/bin/sh", "-c", "make"]);
});

Deno.test("bwrapArgs() hides home, binds the workspace after it and its .git read-only", () => {
  const s = bwrapArgs(base, "make").join(" ");
  const ws = s.indexOf("--bind /home/u/proj/plan /home/u/proj/plan");
  assert.ok(s.indexOf("--tmpfs /home/u ") < ws);
  assert.ok(ws < s.indexOf("--ro-bind /home/u/proj/plan/.git /home/u/proj/plan/.git"));
  assert.ok(ws < s.indexOf("--ro-bind /home/u/proj/plan/.lao"));
  assert.match(s, /--ro-bind-try \/home\/u\/.cargo \/home\/u\/.cargo/);
});

Deno.test("bwrapArgs() mounts a read-only empty placeholder when the workspace has no .git", () => {
  const s = bwrapArgs({ ...base, git: { kind: "placeholder", path: "/w/.git" } }, "x").join(" ");
  assert.match(s, /--tmpfs \/w\/.git .*--remount-ro \/w\/.git/);
});

Deno.test("bwrapArgs() runs the command under the limit prefix and shares the network only when granted", () => {
  const args = bwrapArgs(
    { ...base, network: true, limitPrefix: ["/usr/bin/prlimit", "--nproc=5", "--"] },
    "true",
  );
  assert.equal(args.includes("--unshare-net"), false);
  assert.deepEqual(args.slice(-6), [
    "/usr/bin/prlimit",
    "--nproc=5",
    "--",
    "/bin/sh",
    "-c",
    "true",
  ]);
});

Deno.test("hiddenFolders() hides the config folder only when a visible tree holds it", () => {
  assert.deepEqual(hiddenFolders("/opt/proj/plan", [], ["/usr", "/opt"]), ["/opt/proj"]);
  assert.deepEqual(hiddenFolders("/srv/proj/plan", [], ["/usr", "/opt"]), []);
  assert.deepEqual(hiddenFolders("/srv/p/plan", ["/usr/share/cfg"], ["/usr"]), ["/usr/share/cfg"]);
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

Deno.test("seatbeltProfileText() expresses the same view: listed reads, protected .git, no sockets", () => {
  const text = seatbeltProfileText({
    root: "/r",
    tmp: "/t",
    homeAllow: ["/h/.cargo"],
    network: true,
  });
  assert.match(text, /^\(deny default\)$/m);
  assert.doesNotMatch(text, /^\(allow file-read\*\)$/m); // no blanket read
  assert.match(
    text,
    /\(allow file-read\* .*\(subpath \(param "SYS_0"\)\).*\(subpath \(param "HOME_ALLOW_0"\)\)/,
  );
  assert.match(text, /\(deny file-read\* \(subpath \(param "SECRET_0"\)\)\)/);
  assert.match(text, /require-not \(subpath \(param "ROOT_RO_0"\)\)/);
  assert.match(text, /remote ip/);
  assert.doesNotMatch(text, /unix-socket|\(allow network\*\)/);
  const args = seatbeltArgs({ root: "/r", tmp: "/t", network: false }, "ls");
  assert.ok(args.includes("-DROOT_RO_0=/r/.git") && args.includes("-DROOT_RO_1=/r/.lao"));
  assert.ok(args.includes("-DSECRET_0=/private/etc/master.passwd"));
});
