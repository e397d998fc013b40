/**
 * Plan-language inference for reports: keyword
 * hits in the plan text, falling back to the extensions of the workspace's
 * files when the plan names no language.
 *
 * @module
 */

/** Language → whole-word keywords (case-insensitive) that name it in a plan. */
const KEYWORDS: Record<string, string[]> = {
  python: ["python", "fastapi", "django", "flask", "pydantic", "pytest", "pandas", "numpy"],
  typescript: ["typescript", "tsx", "deno", "angular", "nestjs"],
  javascript: ["javascript", "node.js", "nodejs", "express", "react", "vue", "svelte", "npm"],
  rust: ["rust", "cargo", "tokio", "actix", "serde"],
  go: ["golang", "go.mod", "goroutine", "goroutines", "gin"],
  java: ["java", "spring", "maven", "gradle", "junit"],
  kotlin: ["kotlin", "ktor", "jetpack"],
  swift: ["swift", "swiftui", "xcode", "ios", "uikit"],
  "objective-c": ["objective-c", "objc"],
  c: ["ansi c", "c99", "c11", "gcc", "clang"],
  cpp: ["c++", "cpp", "cmake", "qt"],
  csharp: ["c#", "csharp", ".net", "dotnet", "asp.net", "unity"],
  fsharp: ["f#", "fsharp"],
  ruby: ["ruby", "rails", "rspec", "sinatra"],
  php: ["php", "laravel", "symfony", "composer"],
  scala: ["scala", "sbt", "akka"],
  elixir: ["elixir", "phoenix", "mix.exs"],
  erlang: ["erlang", "otp"],
  haskell: ["haskell", "cabal", "stack.yaml"],
  dart: ["dart", "flutter"],
  lua: ["lua", "love2d"],
  r: ["r language", "tidyverse", "ggplot2", "shiny"],
  julia: ["julia"],
  perl: ["perl"],
  shell: ["bash", "shell script", "zsh", "posix sh"],
  powershell: ["powershell"],
  sql: ["sql", "postgresql", "postgres", "mysql", "sqlite"],
  html: ["html", "html5"],
  css: ["css", "tailwind", "sass", "scss"],
  zig: ["zig"],
  solidity: ["solidity", "ethereum"],
};

/** File extension → language. */
const EXTENSIONS: Record<string, string> = {
  py: "python",
  ts: "typescript",
  tsx: "typescript",
  mts: "typescript",
  js: "javascript",
  jsx: "javascript",
  mjs: "javascript",
  cjs: "javascript",
  rs: "rust",
  go: "go",
  java: "java",
  kt: "kotlin",
  swift: "swift",
  m: "objective-c",
  c: "c",
  h: "c",
  cc: "cpp",
  cpp: "cpp",
  hpp: "cpp",
  cs: "csharp",
  fs: "fsharp",
  rb: "ruby",
  php: "php",
  scala: "scala",
  ex: "elixir",
  exs: "elixir",
  erl: "erlang",
  hs: "haskell",
  dart: "dart",
  lua: "lua",
  r: "r",
  jl: "julia",
  pl: "perl",
  sh: "shell",
  ps1: "powershell",
  sql: "sql",
  html: "html",
  css: "css",
  scss: "css",
  zig: "zig",
  sol: "solidity",
};

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function keywordPattern(keyword: string): RegExp {
  return new RegExp(`(^|[^\\w.#+-])${escapeRegExp(keyword)}(?![\\w#+])`, "i");
}

/** Keyword hit counts per language in `planText` (languages with no hit omitted). */
export function languageScores(planText: string): Record<string, number> {
  const scores: Record<string, number> = {};
  for (const [language, keywords] of Object.entries(KEYWORDS)) {
    const score = keywords.filter((k) => keywordPattern(k).test(planText)).length;
    if (score > 0) scores[language] = score;
  }
  return scores;
}

/**
 * Sorted languages the plan is about: every language named in `planText`, or,
 * when none is, the languages of `filePaths` by extension.
 */
export function detectLanguages(planText: string, filePaths: string[]): string[] {
  const named = Object.keys(languageScores(planText));
  if (named.length > 0) return named.sort();
  const found = new Set<string>();
  for (const path of filePaths) {
    const base = path.slice(path.lastIndexOf("/") + 1);
    const dot = base.lastIndexOf(".");
    const language = dot > 0 ? EXTENSIONS[base.slice(dot + 1).toLowerCase()] : undefined;
    if (language) found.add(language);
  }
  return [...found].sort();
}
