/**
 * A small, forgiving lexer that splits source text into comments, string
 * literals and code, so heuristics can tell a `// TODO` comment from the UI
 * copy `"Enter a placeholder"` or a `placeholder=` attribute. It is not a
 * parser: it never fails, and on odd input it degrades to "more code".
 *
 * @module
 */

/** A comment or string literal and the 1-based line it starts on. */
export interface Segment {
  line: number;
  text: string;
}

/** The lexed form of one file. */
export interface LexedSource {
  /** Comment bodies (markers included). */
  comments: Segment[];
  /** String literal bodies (quotes excluded). */
  strings: Segment[];
  /** The source with comments and strings blanked to spaces; newlines kept. */
  code: string;
}

/** Comment and string syntax of a language family. */
export interface CommentSyntax {
  line: string[];
  block: [string, string][];
  quotes: string[];
  /** Python-style `'''` / `"""` strings. */
  tripleQuotes: boolean;
  /** `/regex/` literals (JavaScript family). */
  regexLiterals: boolean;
}

const C_LIKE: CommentSyntax = {
  line: ["//"],
  block: [["/*", "*/"]],
  quotes: ['"', "'", "`"],
  tripleQuotes: false,
  regexLiterals: false,
};
const HASH: CommentSyntax = {
  line: ["#"],
  block: [],
  quotes: ['"', "'"],
  tripleQuotes: false,
  regexLiterals: false,
};
const MARKUP: CommentSyntax = {
  line: [],
  block: [["<!--", "-->"]],
  quotes: [],
  tripleQuotes: false,
  regexLiterals: false,
};

const FAMILIES: [string[], CommentSyntax][] = [
  [["ts", "tsx", "js", "jsx", "mjs", "cjs", "mts", "cts"], { ...C_LIKE, regexLiterals: true }],
  [
    ["java", "go", "rs", "swift", "c", "h", "cc", "cpp", "hpp", "cs", "kt", "kts", "scala", "dart"],
    C_LIKE,
  ],
  [["php"], { ...C_LIKE, line: ["//", "#"] }],
  [["css", "scss", "less"], { ...C_LIKE, line: [], quotes: ['"', "'"] }],
  [["py"], { ...HASH, tripleQuotes: true }],
  [["rb", "sh", "bash", "zsh", "yaml", "yml", "toml", "r", "ex", "exs", "pl"], HASH],
  [["sql", "lua", "hs"], { ...HASH, line: ["--"] }],
  [["html", "htm", "xml", "vue", "svelte"], MARKUP],
];

/** File extension (lower case, no dot) of a path, or "". */
export function extensionOf(path: string): string {
  const base = path.slice(path.lastIndexOf("/") + 1);
  const dot = base.lastIndexOf(".");
  return dot <= 0 ? "" : base.slice(dot + 1).toLowerCase();
}

/** Comment syntax for a path, or null when the file type is not source code. */
export function syntaxFor(path: string): CommentSyntax | null {
  const ext = extensionOf(path);
  for (const [exts, syntax] of FAMILIES) if (exts.includes(ext)) return syntax;
  return null;
}

const REGEX_PRECEDERS = new Set(["(", ",", "=", ":", "[", "!", "&", "|", "?", "{", "}", ";", ""]);

function previousSignificant(text: string, index: number): string {
  for (let i = index - 1; i >= 0; i--) {
    const ch = text[i] ?? "";
    if (ch !== " " && ch !== "\t" && ch !== "\n" && ch !== "\r") return ch;
  }
  return "";
}

function blank(text: string): string {
  return text.replace(/[^\n]/g, " ");
}

/** Splits `text` into comments, strings and blanked code according to `syntax`. */
export function lexSource(text: string, syntax: CommentSyntax): LexedSource {
  const comments: Segment[] = [];
  const strings: Segment[] = [];
  let code = "";
  let line = 1;
  let i = 0;
  const take = (end: number): string => {
    const piece = text.slice(i, end);
    for (const ch of piece) if (ch === "\n") line++;
    i = end;
    return piece;
  };
  const rest = (marker: string, at: number): boolean => text.startsWith(marker, at);
  while (i < text.length) {
    const lineMarker = syntax.line.find((m) => rest(m, i));
    if (lineMarker) {
      const nl = text.indexOf("\n", i);
      const startLine = line;
      const piece = take(nl === -1 ? text.length : nl);
      comments.push({ line: startLine, text: piece });
      code += blank(piece);
      continue;
    }
    const block = syntax.block.find(([open]) => rest(open, i));
    if (block) {
      const close = text.indexOf(block[1], i + block[0].length);
      const startLine = line;
      const piece = take(close === -1 ? text.length : close + block[1].length);
      comments.push({ line: startLine, text: piece });
      code += blank(piece);
      continue;
    }
    const ch = text[i] ?? "";
    const triple = syntax.tripleQuotes && (rest('"""', i) || rest("'''", i));
    if (triple || syntax.quotes.includes(ch)) {
      const quote = triple ? ch.repeat(3) : ch;
      let j = i + quote.length;
      while (j < text.length) {
        if (text[j] === "\\") j += 2;
        else if (text.startsWith(quote, j)) break;
        else if (text[j] === "\n" && !triple && quote !== "`") break;
        else j++;
      }
      const startLine = line;
      const piece = take(Math.min(text.length, j + quote.length));
      strings.push({
        line: startLine,
        text: piece.slice(quote.length, piece.length - quote.length),
      });
      code += blank(piece);
      continue;
    }
    if (
      syntax.regexLiterals && ch === "/" && REGEX_PRECEDERS.has(previousSignificant(text, i))
    ) {
      let j = i + 1;
      let inClass = false;
      while (j < text.length && text[j] !== "\n") {
        const c = text[j];
        if (c === "\\") j++;
        else if (c === "[") inClass = true;
        else if (c === "]") inClass = false;
        else if (c === "/" && !inClass) break;
        j++;
      }
      if (text[j] === "/") {
        code += blank(take(j + 1));
        continue;
      }
    }
    code += take(i + 1);
  }
  return { comments, strings, code };
}
