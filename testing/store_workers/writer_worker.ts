/// <reference lib="deno.worker" />
// One concurrent writer for the store's concurrency test: its own connection,
// interleaving single-row writes and multi-row transactions.
import { Store } from "../../src/store/store.ts";

self.onmessage = (e: MessageEvent<{ path: string; writer: number; rows: number }>) => {
  const { path, writer, rows } = e.data;
  try {
    const store = Store.open(path);
    const { plan } = store.registerPlan({
      filename: `w${writer}.md`,
      stem: `w${writer}`,
      text: `w${writer}`,
    });
    for (let i = 0; i < rows; i++) {
      store.recordLlmCall({
        role: "coder",
        model: `w${writer}`,
        promptTokens: i,
        completionTokens: 1,
        seconds: 0,
        ok: true,
      });
    }
    for (let i = 0; i < rows; i += 10) {
      store.insertTasks(
        plan.id,
        Array.from({ length: 10 }, (_, j) => ({
          title: `t${i + j}`,
          description: "d",
          file_paths: [],
          dependsOn: j > 0 ? [j - 1] : [],
        })),
        3,
      );
    }
    store.close();
    self.postMessage("done");
  } catch (err) {
    self.postMessage(String(err));
  }
};
