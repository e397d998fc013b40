// Holds the run lock of the database given as the first argument until killed
// (the run lock test's "other process"). Its lease renews on the real clock;
// the test judges it with a clock of its own.
import { Store } from "../../src/store/store.ts";
import { acquireRunLock } from "../../src/store/run_lock.ts";

const store = Store.open(Deno.args[0]!);
await acquireRunLock(store.db, { heartbeatMs: 100 });
console.log("locked");
setInterval(() => {}, 1000);
