/**
 * A generated multi-language code base for the code map tests and bench:
 * `n` files in Python, TypeScript, Go, Rust and Java that call each other.
 *
 * @module
 */
import { join } from "node:path";

const LANGS = ["py", "ts", "go", "rs", "java"] as const;

/** Writes `n` source files under `dir`; file i defines `fn_i` and calls `fn_(i*7 % n)`. */
export async function writeCodeBase(dir: string, n: number): Promise<string[]> {
  const paths: string[] = [];
  for (let i = 0; i < n; i++) {
    const ext = LANGS[i % LANGS.length]!;
    const callee = `fn_${(i * 7) % n}`;
    const name = `fn_${i}`;
    const body = ext === "py"
      ? `def ${name}(x):\n    return ${callee}(x) + 1\n\n\nclass Model${i}:\n    pass\n`
      : ext === "ts"
      ? `export function ${name}(x: number): number {\n  return ${callee}(x) + 1;\n}\nexport interface Shape${i} { id: number }\n`
      : ext === "go"
      ? `package pkg\n\nfunc ${name}(x int) int {\n\treturn ${callee}(x) + 1\n}\n\ntype Item${i} struct{}\n`
      : ext === "rs"
      ? `pub fn ${name}(x: i32) -> i32 {\n    ${callee}(x) + 1\n}\n\npub struct Item${i};\n`
      : `public class Unit${i} {\n    public static int ${name}(int x) {\n        return ${callee}(x) + 1;\n    }\n}\n`;
    const path = `src/m${Math.floor(i / 50)}/f${i}.${ext}`;
    await Deno.mkdir(join(dir, path, ".."), { recursive: true });
    await Deno.writeTextFile(join(dir, path), body);
    paths.push(path);
  }
  return paths;
}
