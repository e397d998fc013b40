/**
 * Attack classes 1-3 in one `lao run` (one plan per attack, each in its own
 * workspace): git metadata tampering, links, FIFOs and devices over LAO's own
 * files, and the shell and file tools reading the host or reaching its
 * sockets. The run's checks (`assertHeld`) cover them all; each class then
 * has its own step.
 */
import assert from "node:assert/strict";
import { type Attack, AttackProject, type AttackRun } from "./harness.ts";
import { GIT_ATTACKS } from "./git_attacks.ts";
import { HostTraps } from "./host_attacks.ts";
import { assertLaoFilesReplaced, LAO_FILE_ATTACKS } from "./lao_files_attacks.ts";

Deno.test("attack: git metadata, LAO's own files and the host, in one run", async (t) => {
  await using traps = await HostTraps.open();
  // Placeholder port; the host attacks read the real one once the project exists.
  const host = traps.attacks("1");
  await using p = await AttackProject.create([...GIT_ATTACKS, ...LAO_FILE_ATTACKS, ...host]);
  const withServer = traps.attacks(new URL(p.server.url).port);
  for (const [i, a] of withServer.entries()) host[i]!.steps = a.steps;
  const r = await p.run();
  await p.assertHeld(r);
  const ran = (attacks: Attack[], run: AttackRun) => {
    for (const a of attacks) {
      assert.ok(
        run.results.has(a.id),
        `the coder of ${a.id} never ran:\n${run.stdout}\n${run.stderr}`,
      );
    }
  };

  await t.step("git metadata tampering never runs a program through LAO's own git", () => {
    ran(GIT_ATTACKS, r);
    // The shell could not write .git: the shell's own git saw a read-only config.
    assert.match(p.seen(r, "git_config_shell"), /could not lock config file|Read-only file system/);
  });

  await t.step("links, FIFOs and devices over LAO's own files and the task's files", async () => {
    ran(LAO_FILE_ATTACKS, r);
    await assertLaoFilesReplaced(p.paths.base);
  });

  await t.step("the shell and the file tools cannot read the host or reach its sockets", () => {
    ran(host, r);
    const sock = p.seen(r, "host_sockets");
    assert.doesNotMatch(sock, /^connected/m, sock);
    assert.deepEqual(traps.hits, [], `the sandbox connected to ${traps.hits.join(", ")}`);
  });
});
