// Holds the run lock of the database given as the first argument until killed
// (the run lock test's "other process").
import { Store } from "../store.ts";
import { acquireRunLock } from "../run_lock.ts";

const store = Store.open(Deno.args[0]!);
await acquireRunLock(store.db, { ttlMs: 1000, heartbeatMs: 100 });
console.log("locked");
setInterval(() => {}, 1000);
