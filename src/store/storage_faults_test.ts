import assert from "node:assert/strict";
import { ExitCode, UserError } from "../errors.ts";
import { isDiskFull, storageFault } from "./storage_faults.ts";

const sqlite = (message: string) => Object.assign(new Error(message), { code: "ERR_SQLITE_ERROR" });

Deno.test("each storage fault is one line with its own exit code", () => {
  const cases: [Error, number, RegExp][] = [
    [sqlite("attempt to write a readonly database"), ExitCode.Database, /is read-only .*chmod/],
    [sqlite("database is locked"), ExitCode.Database, /another program holds a lock/],
    [sqlite("file is not a database"), ExitCode.Database, /not an SQLite database/],
    [sqlite("database disk image is malformed"), ExitCode.Database, /damaged or truncated/],
    [
      sqlite("database or disk is full"),
      ExitCode.DiskFull,
      /^Disk full: cannot write \/p\/state\.db: free space and run lao run again/,
    ],
    [
      new Error("No space left on device (os error 28): write '/p/a/LAO_REVIEW.log'"),
      ExitCode.DiskFull,
      /^Disk full: cannot write \/p\/a\/LAO_REVIEW\.log: /,
    ],
  ];
  for (const [err, code, expected] of cases) {
    const mapped = storageFault(err, "/p/state.db");
    assert.ok(mapped instanceof UserError, err.message);
    assert.equal(mapped.exitCode, code, err.message);
    assert.match(mapped.message, expected);
    assert.ok(!mapped.message.includes("\n"));
  }
});

Deno.test("ENOSPC is found through an error's cause; other errors are not storage faults", () => {
  const wrapped = new Error("shell log failed", {
    cause: Object.assign(new Error("write failed"), { code: "ENOSPC" }),
  });
  assert.ok(isDiskFull(wrapped));
  assert.equal(storageFault(new TypeError("x is undefined")), null);
  assert.equal(storageFault(new Error("model said no")), null);
});
