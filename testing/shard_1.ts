/**
 * Shard 1 of {@linkcode SHARDS} of the test suite (see `shards.ts`):
 * `deno task test` runs it beside the others.
 *
 * @module
 */
import { importShard, SHARDS } from "./shards.ts";

await importShard(0, SHARDS);
