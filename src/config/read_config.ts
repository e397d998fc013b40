/**
 * Reading `factory.yaml`'s text safely, with no YAML library: a size limit on
 * the file and strict UTF-8, every failure one line in the user's terms.
 *
 * @module
 */
import { UserError } from "../errors.ts";
import { decodeUtf8 } from "./text_check.ts";

/** Largest `factory.yaml` LAO reads (bytes). A real one is a few kilobytes. */
export const MAX_CONFIG_BYTES = 8 * 1024 * 1024;

/** Reads the config file's text: size-limited, strict UTF-8. */
export function readConfigText(
  file: string,
  label: string,
  read?: (path: string) => string | undefined,
): string {
  if (read) {
    try {
      return read(file) ?? "";
    } catch (err) {
      throw new UserError(`Cannot read config "${label}": ${describeReadError(err)}`);
    }
  }
  let bytes: Uint8Array;
  try {
    const size = Deno.statSync(file).size;
    if (size > MAX_CONFIG_BYTES) {
      throw new UserError(
        `${label}:1: the file is ${formatMb(size)}, more than the ${
          formatMb(MAX_CONFIG_BYTES)
        } a configuration may have; is this the right file?`,
      );
    }
    bytes = Deno.readFileSync(file);
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`Cannot read config "${label}": ${describeReadError(err)}`);
  }
  if (bytes.length > MAX_CONFIG_BYTES) {
    throw new UserError(`${label}:1: the file is larger than ${formatMb(MAX_CONFIG_BYTES)}`);
  }
  const decoded = decodeUtf8(bytes);
  if (decoded.ok) return decoded.text;
  throw new UserError(
    `${label}:${decoded.line}: the file is not UTF-8 text (invalid byte at offset ${decoded.offset}); save it as UTF-8`,
  );
}

function describeReadError(err: unknown): string {
  if (err instanceof Deno.errors.PermissionDenied) {
    return "permission denied (check the file's permissions)";
  }
  if (err instanceof Deno.errors.IsADirectory) return "it is a folder, not a file";
  if (err instanceof Deno.errors.NotFound) return "file not found";
  const message = err instanceof Error ? err.message : String(err);
  return message.split("\n")[0]!;
}

/** Megabytes with one decimal, for messages. */
export function formatMb(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
