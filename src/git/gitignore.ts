/**
 * The `.gitignore` LAO writes into a repository it creates, suited to the
 * plan's languages.
 *
 * @module
 */

/** Languages with their own ignore rules. */
export type GitignoreLanguage = "python" | "node" | "rust" | "go";

const ALWAYS = [".DS_Store", ".env", ".lao/"];

const BY_LANGUAGE: Record<GitignoreLanguage, string[]> = {
  python: ["__pycache__/", ".venv/", "*.pyc"],
  node: ["node_modules/", "dist/"],
  rust: ["target/"],
  go: ["*.test", "*.out"],
};

const DETECTORS: Record<GitignoreLanguage, RegExp> = {
  python: /\b(python|pytest|django|flask|fastapi|pip|\.py)\b/i,
  node: /\b(node(\.js)?|javascript|typescript|npm|pnpm|yarn|react|vue|express)\b|\.[jt]sx?\b/i,
  rust: /\b(rust|cargo)\b|\.rs\b/i,
  go: /\b(golang|go\.mod)\b|\bGo\b|\.go\b/,
};

/** Guesses the languages a plan uses from its text (empty when unclear). */
export function detectLanguages(text: string): GitignoreLanguage[] {
  return (Object.keys(DETECTORS) as GitignoreLanguage[]).filter((lang) =>
    DETECTORS[lang].test(text)
  );
}

/**
 * Returns the `.gitignore` text for `languages`. Without any language the
 * Python rules are used (the original tool's default).
 */
export function gitignoreFor(languages: readonly string[] = []): string {
  const known = languages.map((l) => l.toLowerCase()).map(normalizeLanguage)
    .filter((l): l is GitignoreLanguage => l !== null);
  const chosen: GitignoreLanguage[] = known.length > 0 ? known : ["python"];
  const lines = [...ALWAYS];
  for (const lang of chosen) {
    for (const line of BY_LANGUAGE[lang]) if (!lines.includes(line)) lines.push(line);
  }
  return lines.join("\n") + "\n";
}

function normalizeLanguage(name: string): GitignoreLanguage | null {
  switch (name) {
    case "python":
    case "py":
      return "python";
    case "node":
    case "nodejs":
    case "javascript":
    case "typescript":
    case "js":
    case "ts":
      return "node";
    case "rust":
      return "rust";
    case "go":
    case "golang":
      return "go";
    default:
      return null;
  }
}
