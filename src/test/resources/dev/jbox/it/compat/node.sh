# title: node -e: a worker thread, a child process, file I/O with UV_USE_IO_URING=1 (io_uring, or its fallback)
# needs: node
set -eu
node -e '
const { Worker } = require("worker_threads");
const w = new Worker("require(\"worker_threads\").parentPort.postMessage(6 * 7)", { eval: true });
w.on("message", (m) => {
  if (m !== 42) process.exit(1);
  const out = require("child_process").execFileSync("sh", ["-c", "echo child"]).toString();
  if (out !== "child\n") process.exit(2);
  console.log("ok: node " + process.version + ": worker thread, child process");
});'
# libuv uses io_uring for file I/O when asked to; where io_uring_setup fails it falls back to its thread pool
UV_USE_IO_URING=1 node -e '
const fs = require("fs");
fs.writeFile("f.txt", "x".repeat(100000), (e) => {
  if (e) throw e;
  fs.readFile("f.txt", "utf8", (e, d) => { if (e) throw e; if (d.length !== 100000) process.exit(3); console.log("ok: file I/O with UV_USE_IO_URING=1"); });
});'
