/**
 * In-place edits of `factory.yaml` through the `yaml` package's document
 * API: only the changed values are rewritten, the user's comments, key
 * order and layout stay. Written with a temp file and a
 * rename, so a crash never leaves half a file.
 *
 * @module
 */
import { basename, dirname } from "node:path";
import YAML, { isMap } from "yaml";
import { UserError } from "../errors.ts";
import { readTextIfExists, workspaceIo } from "../workspace/guarded_io.ts";

/** One change: a key path and its new value. */
export interface YamlEdit {
  path: readonly string[];
  value: string | number | boolean | null;
}

/** Applies `edits` to YAML `text`, keeping comments and layout; throws on a malformed file. */
export function editYamlText(
  text: string,
  edits: readonly YamlEdit[],
  label = "factory.yaml",
): string {
  return editInPlace(text, edits) ?? editDocument(text, edits, label);
}

/**
 * Rewrites existing scalar values in the source tokens themselves, so every
 * other byte of the file stays; null when an edit needs a new key.
 */
function editInPlace(text: string, edits: readonly YamlEdit[]): string | null {
  const tokens = [...new YAML.Parser().parse(text)];
  const docs = [...new YAML.Composer({ keepSourceTokens: true }).compose(tokens)];
  if (docs.length !== 1 || docs[0]!.errors.length) return null;
  const doc = docs[0]!;
  const targets = edits.map((e) => doc.getIn([...e.path], true));
  if (!targets.every((n) => YAML.isScalar(n) && n.srcToken && YAML.CST.isScalar(n.srcToken))) {
    return null;
  }
  edits.forEach((e, i) => {
    const node = targets[i] as YAML.Scalar;
    const value = e.value === null ? "null" : String(e.value);
    // A value that YAML would read as something else is written quoted.
    const plain = typeof e.value !== "string" || YAML.parse(value) === value;
    YAML.CST.setScalarValue(node.srcToken as YAML.CST.FlowScalar, value, {
      type: plain ? "PLAIN" : "QUOTE_DOUBLE",
    });
  });
  return tokens.map((t) => YAML.CST.stringify(t)).join("");
}

function editDocument(text: string, edits: readonly YamlEdit[], label: string): string {
  const doc: YAML.Document = YAML.parseDocument(text, { keepSourceTokens: true });
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    throw new UserError(`Cannot edit "${label}": ${e.message.split("\n")[0]}`);
  }
  if (doc.contents === null || doc.contents === undefined) doc.contents = doc.createNode({});
  if (!isMap(doc.contents)) {
    throw new UserError(`Cannot edit "${label}": the top level is not a mapping`);
  }
  for (const e of edits) {
    // A null section (`models:` with nothing under it) becomes a mapping first.
    for (let i = 1; i < e.path.length; i++) {
      const parent = e.path.slice(0, i);
      const node = doc.getIn(parent, true);
      if (node === null || node === undefined || (YAML.isScalar(node) && node.value === null)) {
        doc.setIn(parent, doc.createNode({}));
      }
    }
    doc.setIn([...e.path], e.value);
  }
  return doc.toString();
}

/** Edits the YAML file at `path` in place (temp file + rename). */
export async function editYamlFile(path: string, edits: readonly YamlEdit[]): Promise<void> {
  const io = workspaceIo(dirname(path));
  const text = await readTextIfExists(io, basename(path));
  if (text === null) throw new UserError(`Cannot edit "${path}": it does not exist (run lao init)`);
  await io.writeText(basename(path), editYamlText(text, edits, path));
}
