// Pyodide's memory after start-up and after importing what the tag runs first, made once at
// build time: a page restores it instead of starting CPython and importing the package,
// which takes seconds.
//
//   node tools/pyodide_snapshot.mjs <runtime folder> <package folder> <package root> <code> <output>
//
// The runtime folder is the built one (the files the page loads); the package folder holds
// the bundle's files, seen by Python under <package root> as boot.js writes them there;
// <code> is the Python run before the snapshot.
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [folder, files, root, code, output] = process.argv.slice(2);
// Python records at start-up whether the engine can suspend WebAssembly (JSPI): browsers
// can, this Node cannot. Told it can, Python keeps ``run_sync`` working in the snapshot; the
// stand-in is never called here (nothing suspends while the snapshot is made).
if (!("Suspending" in WebAssembly)) {
  WebAssembly.Suspending = function (fn) { return fn; };
  WebAssembly.promising = function (fn) { return fn; };
}
const { loadPyodide } = await import(pathToFileURL(path.join(folder, "pyodide.mjs")).href);
const py = await loadPyodide({ indexURL: folder + "/", packages: [], _makeSnapshot: true });
py.mountNodeFS(root, files);
py.runPython(code);
fs.writeFileSync(output, py.makeMemorySnapshot());
