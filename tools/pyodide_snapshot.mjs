// Pyodide's memory after start-up and after importing what the tag runs first, made once at
// build time: a page restores it instead of starting CPython and importing the package,
// which takes seconds.
//
//   node tools/pyodide_snapshot.mjs <runtime folder> <package zip> <package root> <code> <output>
//
// The runtime folder is the built one (the files the page loads); the zip holds the package
// as boot.js writes it, under <package root>; <code> is the Python run before the snapshot.
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [folder, zip, root, code, output] = process.argv.slice(2);
const { loadPyodide } = await import(pathToFileURL(path.join(folder, "pyodide.mjs")).href);
const py = await loadPyodide({ indexURL: folder + "/", packages: [], _makeSnapshot: true });

// The zip's stored entries (python_bundle in build.py writes no compressed ones).
const data = fs.readFileSync(zip);
const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
for (let at = 0; at + 30 <= data.length && view.getUint32(at, true) === 0x04034b50;) {
  const size = view.getUint32(at + 18, true), nameLength = view.getUint16(at + 26, true);
  const start = at + 30 + nameLength + view.getUint16(at + 28, true);
  const file = root + "/" + data.subarray(at + 30, at + 30 + nameLength).toString("utf8");
  py.FS.mkdirTree(file.slice(0, file.lastIndexOf("/")));
  py.FS.writeFile(file, data.subarray(start, start + size));
  at = start + size;
}
py.runPython(code);
fs.writeFileSync(output, py.makeMemorySnapshot());
