import assert from "node:assert/strict";
import denoJson from "../deno.json" with { type: "json" };
import { formula, parseSums, PLACEHOLDER_SUM } from "./update_formula.ts";

const SUM = (c: string) => c.repeat(64);

Deno.test("formula() pairs each target's archive URL with its sum from SHA256SUMS", () => {
  const sums = parseSums([
    `${SUM("a")}  lao-aarch64-apple-darwin.tar.gz`,
    `${SUM("b")}  lao-x86_64-apple-darwin.tar.gz`,
    `${SUM("c")} *lao-aarch64-unknown-linux-gnu.tar.gz`,
    `${SUM("d")}  lao-x86_64-unknown-linux-gnu.tar.gz`,
  ].join("\n"));
  const rb = formula("1.2.3", sums);
  assert.match(rb, /version "1\.2\.3"/);
  for (
    const [target, c] of [
      ["aarch64-apple-darwin", "a"],
      ["x86_64-apple-darwin", "b"],
      ["aarch64-unknown-linux-gnu", "c"],
      ["x86_64-unknown-linux-gnu", "d"],
    ]
  ) {
    const re = new RegExp(
      `url "https://github\\.com/[^"]+/releases/download/v1\\.2\\.3/lao-${target}\\.tar\\.gz"\\n\\s+sha256 "${
        SUM(c!)
      }"`,
    );
    assert.match(rb, re, target);
  }
  assert.match(rb, /test do[\s\S]*lao --version[\s\S]*lao status --json/);
});

Deno.test("formula() refuses a SHA256SUMS that lacks a target", () => {
  assert.throws(
    () => formula("1.0.0", parseSums(`${SUM("a")}  lao-aarch64-apple-darwin.tar.gz`)),
    /no line for lao-x86_64-apple-darwin\.tar\.gz/,
  );
});

Deno.test("the committed formula is the generated template for deno.json's version", async () => {
  const committed = await Deno.readTextFile(
    new URL("../packaging/homebrew/lao.rb", import.meta.url),
  );
  assert.equal(committed, formula(denoJson.version, undefined));
  assert.ok(committed.includes(PLACEHOLDER_SUM));
});
