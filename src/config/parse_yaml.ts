/**
 * Reading and parsing `factory.yaml` safely: a size limit on the file, strict
 * UTF-8, one document only, a cap on alias expansion (no "billion laughs"),
 * duplicate keys found in linear time, and every library failure turned into
 * one `file:line` line in the user's terms. Also a line index of the keys so
 * that looking up the line of many keys stays linear.
 *
 * @module
 */
import YAML, { isMap, isScalar, LineCounter, type Node, type Pair, visit } from "yaml";
import { UserError } from "../errors.ts";

export { MAX_CONFIG_BYTES, readConfigText } from "./read_config.ts";

/** Most alias expansions allowed while converting the document (the library's cap). */
export const MAX_ALIAS_COUNT = 100;

/** A parsed configuration document. */
export interface ParsedYaml {
  doc: YAML.Document.Parsed;
  lines: LineCounter;
  /** The document as plain data (null for an empty file). */
  raw: unknown;
  /** Lines of the document's keys. */
  keyLines: KeyLines;
}

/** Parses the text as one YAML document. Throws a one-line {@linkcode UserError}. */
export function parseConfigYaml(text: string, label: string): ParsedYaml {
  const lines = new LineCounter();
  let doc: YAML.Document.Parsed;
  try {
    // uniqueKeys is checked below: the library's own check is quadratic in the keys of a map.
    doc = YAML.parseDocument(text, { lineCounter: lines, uniqueKeys: false });
  } catch (err) {
    throw new UserError(`${label}:1: invalid YAML: ${libraryFailure(err)}`);
  }
  const first = doc.errors[0];
  if (first) {
    const line = first.linePos?.[0]?.line ?? 1;
    if (first.code === "MULTIPLE_DOCS") {
      throw new UserError(
        `${label}:${line}: more than one YAML document in the file (a "---" or "..." line starts another); keep one document`,
      );
    }
    const msg = first.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
    throw new UserError(`${label}:${line}: invalid YAML: ${msg}`);
  }
  const index = indexKeys(doc, lines, label);
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (/alias/i.test(message)) {
      throw new UserError(
        `${label}:1: invalid YAML: aliases (*name) expand to too much data (more than ${MAX_ALIAS_COUNT} expansions); write the values out`,
      );
    }
    throw new UserError(`${label}:1: invalid YAML: ${libraryFailure(err)}`);
  }
  return { doc, lines, raw, keyLines: new KeyLines(doc, lines, index) };
}

type KeyIndex = Map<unknown, Map<string, Pair<unknown, unknown>>>;

/** Indexes every mapping's keys and refuses a key that appears twice in one mapping. */
function indexKeys(doc: YAML.Document.Parsed, lines: LineCounter, label: string): KeyIndex {
  const index: KeyIndex = new Map();
  let duplicate: { key: string; offset: number } | undefined;
  try {
    visit(doc, {
      Map(_, map) {
        const pairs = new Map<string, Pair<unknown, unknown>>();
        index.set(map, pairs);
        for (const pair of map.items as Pair<unknown, unknown>[]) {
          if (!isScalar(pair.key)) continue;
          const key = String(pair.key.value);
          if (pairs.has(key)) {
            duplicate = { key, offset: pair.key.range?.[0] ?? 0 };
            return visit.BREAK;
          }
          pairs.set(key, pair);
        }
      },
    });
  } catch (err) {
    throw new UserError(`${label}:1: invalid YAML: ${libraryFailure(err)}`);
  }
  if (duplicate) {
    const line = lines.linePos(duplicate.offset).line;
    throw new UserError(
      `${label}:${line}: invalid YAML: the key "${
        duplicate.key.slice(0, 80)
      }" appears twice in the same mapping`,
    );
  }
  return index;
}

/**
 * Line numbers of keys, indexed once per mapping so that looking up the line
 * of every key of a large mapping stays linear.
 */
export class KeyLines {
  #doc: YAML.Document;
  #lines: LineCounter;
  #index: KeyIndex;

  /** Creates the view over a document and its key index. */
  constructor(doc: YAML.Document, lines: LineCounter, index: KeyIndex) {
    this.#doc = doc;
    this.#lines = lines;
    this.#index = index;
  }

  /**
   * The line of the deepest key of `path` present in the file (1 when none).
   * With `keyLine` false, the line of a scalar value at `path` is preferred.
   */
  lineOf(path: readonly string[], keyLine: boolean): number {
    let node: unknown = this.#doc.contents;
    let line = 1;
    for (const key of path) {
      if (!isMap(node)) break;
      const pair = this.#index.get(node)?.get(key);
      if (!pair) break;
      const keyNode = pair.key as Node;
      if (keyNode.range) line = this.#lines.linePos(keyNode.range[0]).line;
      node = pair.value;
    }
    if (!keyLine && isScalar(node) && node.range) line = this.#lines.linePos(node.range[0]).line;
    return line;
  }
}

function libraryFailure(err: unknown): string {
  if (err instanceof RangeError) return "the document is nested too deeply";
  const message = err instanceof Error ? err.message : String(err);
  return message.split("\n")[0]!.slice(0, 200);
}
