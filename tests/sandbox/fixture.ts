/**
 * A temp folder with a workspace `ws/` and a sibling `outside/secret.txt`,
 * removed on dispose. Shared by the red-team tests.
 *
 * @module
 */
import { join } from "node:path";

/** The fixture folders. */
export interface Fixture extends AsyncDisposable {
  /** Real path of the temp base folder. */
  base: string;
  /** Real path of the workspace. */
  ws: string;
  /** Real path of the folder outside the workspace. */
  outside: string;
  /** Real path of `outside/secret.txt` (content `SECRET`). */
  secret: string;
}

/** Creates the fixture under `dir` (default: the system temp folder). */
export async function makeFixture(dir?: string): Promise<Fixture> {
  const base = await Deno.realPath(await Deno.makeTempDir({ prefix: "lao_redteam_", dir }));
  const ws = join(base, "ws");
  const outside = join(base, "outside");
  await Deno.mkdir(ws);
  await Deno.mkdir(outside);
  const secret = join(outside, "secret.txt");
  await Deno.writeTextFile(secret, "SECRET");
  return {
    base,
    ws,
    outside,
    secret,
    [Symbol.asyncDispose]: () => Deno.remove(base, { recursive: true }),
  };
}

/** Runs `sh -c script` unsandboxed (fixture setup only) and returns stdout. */
export async function sh(script: string): Promise<string> {
  const out = await new Deno.Command("sh", { args: ["-c", script], stdin: "null" }).output();
  if (!out.success) throw new Error(`sh failed: ${new TextDecoder().decode(out.stderr)}`);
  return new TextDecoder().decode(out.stdout);
}
