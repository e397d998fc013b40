import assert from "node:assert/strict";
import { permissionHint } from "./permission_hint.ts";

Deno.test("a grant missing from Deno's flags names the grant and the -P=lao fix", () => {
  const err = new Deno.errors.NotCapable(
    'Requires read access to "/p/factory.yaml", run again with the --allow-read flag',
  );
  assert.equal(
    permissionHint(err),
    "missing permission: read access to /p/factory.yaml is needed to read the config, plans and plan workspaces; run with -P=lao (the permission set in deno.json) or add --allow-read=/p/factory.yaml",
  );
});

Deno.test("the operating system's refusal names the file and does not suggest -P=lao", () => {
  const err = new Deno.errors.PermissionDenied(
    "Permission denied (os error 13): open '/srv/lao/.lao/state.db'",
  );
  const hint = permissionHint(err)!;
  assert.equal(
    hint,
    "the operating system denied access to /srv/lao/.lao/state.db (Permission denied (os error 13)): check that folder's owner and permissions",
  );
  assert.doesNotMatch(hint, /-P=lao/);
});

Deno.test("other errors are not permission problems", () => {
  assert.equal(permissionHint(new Error("boom")), null);
  assert.equal(permissionHint("text"), null);
});
