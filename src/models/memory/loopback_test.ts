import assert from "node:assert/strict";
import { isLoopbackUrl } from "./loopback.ts";

Deno.test("loopback hosts: 127.0.0.0/8, ::1 and localhost are this machine", () => {
  for (
    const url of [
      "http://127.0.0.1:1234",
      "http://127.4.5.6:8080/v1",
      "http://127.1:1234",
      "http://localhost:11434",
      "http://LOCALHOST.:1234",
      "http://gpu.localhost:1234",
      "http://[::1]:8080",
      "http://[0:0:0:0:0:0:0:1]:8080",
      "http://[::ffff:127.0.0.1]:8080",
    ]
  ) assert.equal(isLoopbackUrl(url), true, url);
});

Deno.test("other hosts are not this machine: LAN addresses, names, 0.0.0.0, unparseable URLs", () => {
  for (
    const url of [
      "http://192.168.1.20:1234",
      "http://10.0.0.5:8080",
      "http://128.0.0.1:1234",
      "http://desktop.lan:1234",
      "http://localhost.example.com:1234",
      "http://127.0.0.1.nip.io:1234",
      "http://0.0.0.0:1234",
      "http://[::2]:8080",
      "http://[::ffff:10.0.0.1]:8080",
      "https://api.example.com/v1",
      "not a url",
    ]
  ) assert.equal(isLoopbackUrl(url), false, url);
});
