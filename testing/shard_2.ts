/**
 * The second half of the test suite (see `shards.ts`): `deno task test` runs it
 * beside `shard_1.ts`.
 *
 * @module
 */
import { importShard } from "./shards.ts";

await importShard(1, 2);
