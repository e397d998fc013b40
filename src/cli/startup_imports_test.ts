/**
 * What `lao run` loads before its first request: the modules its entry
 * points import statically, as `deno info --json` lists them. Three
 * packages load only when first needed: the YAML library (a `factory.yaml`
 * the plain reader steps aside from, `lao init`, `configure-models`),
 * Babel's parser (the first script checked) and RE2 (the first search).
 */
import assert from "node:assert/strict";

/** A module of `deno info --json`: its specifier and what it imports. */
interface InfoModule {
  specifier: string;
  /** `name@version` of an npm module. */
  npmPackage?: string;
  dependencies?: { code?: { specifier?: string }; isDynamic?: boolean }[];
}

/** The npm packages (`name@version`) that `entry` reaches through static imports alone. */
async function staticPackages(entry: string): Promise<Set<string>> {
  const out = await new Deno.Command("deno", {
    args: ["info", "--json", new URL(entry, import.meta.url).pathname],
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  const info = JSON.parse(new TextDecoder().decode(out.stdout)) as {
    roots: string[];
    modules: InfoModule[];
    redirects: Record<string, string>;
  };
  const bySpecifier = new Map(info.modules.map((m) => [m.specifier, m]));
  const packages = new Set<string>();
  const seen = new Set<string>();
  const visit = (specifier: string) => {
    const resolved = info.redirects[specifier] ?? specifier;
    if (seen.has(resolved)) return;
    seen.add(resolved);
    const module = bySpecifier.get(resolved);
    if (module?.npmPackage) packages.add(module.npmPackage);
    for (const d of module?.dependencies ?? []) {
      if (!d.isDynamic && d.code?.specifier) visit(d.code.specifier);
    }
  };
  for (const root of info.roots) visit(root);
  return packages;
}

const names = (packages: Set<string>) =>
  [...packages].map((p) => p.slice(0, p.lastIndexOf("@"))).sort();

Deno.test("lao run's start-up imports leave out the YAML library, Babel's parser and RE2", async () => {
  const main = names(await staticPackages("./main.ts"));
  // The walk sees packages at all, scoped ones too: the command line's own, and Babel where
  // the function-size check imports it.
  assert.ok(main.includes("commander"), `${main}`);
  const sizeCheck = names(await staticPackages("../../tools/check_size.ts"));
  assert.ok(sizeCheck.includes("@babel/parser"), `${sizeCheck}`);
  const run = names(await staticPackages("./commands/run.ts"));
  for (const lazy of ["yaml", "@babel/parser", "re2js"]) {
    assert.ok(!main.includes(lazy), `src/cli/main.ts imports ${lazy} at start-up: ${main}`);
    assert.ok(!run.includes(lazy), `src/cli/commands/run.ts imports ${lazy} at start-up: ${run}`);
  }
});
