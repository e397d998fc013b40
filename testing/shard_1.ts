/**
 * The first half of the test suite (see `shards.ts`): `deno task test` runs it
 * beside `shard_2.ts`.
 *
 * @module
 */
import { importShard } from "./shards.ts";

await importShard(0, 2);
