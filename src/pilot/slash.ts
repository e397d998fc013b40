/**
 * Pilot slash commands. Only the exact command words are commands: an
 * absolute path (`/home/me/app`), a lone `/` or an unknown `/word` is chat
 * text for the model.
 *
 * @module
 */

/** A recognised slash command. */
export type SlashCommand =
  | { kind: "exit" }
  | { kind: "resume" }
  | { kind: "clear" }
  | { kind: "status" }
  | { kind: "help" }
  | { kind: "gates" }
  | { kind: "project"; sub: "list" | "scan" | "use" | "status" | "unknown"; arg?: string };

/** The command words, for help and completion. */
export const SLASH_WORDS = [
  "/exit",
  "/quit",
  "/resume",
  "/continue",
  "/go",
  "/clear",
  "/status",
  "/help",
  "/project",
  "/gates",
] as const;

/** Parses `line`; null when it is not a command (chat text). */
export function parseSlash(line: string): SlashCommand | null {
  const words = line.trim().split(/\s+/);
  const first = (words[0] ?? "").toLowerCase();
  const rest = words.slice(1);
  switch (first) {
    case "/exit":
    case "/quit":
      return { kind: "exit" };
    case "/resume":
    case "/continue":
    case "/go":
      return { kind: "resume" };
    case "/clear":
      return { kind: "clear" };
    case "/status":
      return { kind: "status" };
    case "/help":
      return { kind: "help" };
    case "/gates":
      return { kind: "gates" };
    case "/project": {
      const sub = (rest[0] ?? "list").toLowerCase();
      const arg = rest.slice(1).join(" ") || undefined;
      if (sub === "list" || sub === "scan" || sub === "use" || sub === "status") {
        return { kind: "project", sub, ...(arg ? { arg } : {}) };
      }
      return { kind: "project", sub: "unknown", arg: rest.join(" ") };
    }
    default:
      return null;
  }
}

/** The `/help` text. */
export const HELP_TEXT = [
  "Pilot commands:",
  "  /status                  pipeline status (tasks, plans, tokens)",
  "  /resume, /continue, /go  hand over to the pipeline (lao run)",
  "  /gates                   validation and review findings per plan",
  "  /project [list]          registered projects with pending/failed counts",
  "  /project scan [DIR]      find LAO projects under DIR and register them",
  "  /project use NAME|PATH   switch to another project",
  "  /project status [NAME]   one project's details",
  "  /clear                   forget the conversation so far (the saved log stays)",
  "  /help                    this list",
  "  /exit, /quit             leave Pilot",
  "Anything else (also an absolute path such as /home/me/app) is sent to the model.",
  "End a line with \\ to continue the message on the next line.",
].join("\n");
