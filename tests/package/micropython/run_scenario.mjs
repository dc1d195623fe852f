// Runs scenario.py (beside this file) on MicroPython (WebAssembly) under Node.
// Usage: node run_scenario.mjs <project-root> [<bytecode bundle: dist/tag/micropython/totango_py.<hash>.zip>]
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

const root = process.argv[2];
const { loadMicroPython } = await import(
  join(root, "node_modules/@micropython/micropython-webassembly-pyscript/micropython.mjs"));
let out = "";
const mp = await loadMicroPython({ stdout: (line) => { out += line + "\n"; }, linebuffer: true });

// The tag's bundle: a zip of stored entries, read the way boot.js reads it.
function* storedEntries(data) {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  for (let at = 0; at + 30 <= data.length && view.getUint32(at, true) === 0x04034b50;) {
    const size = view.getUint32(at + 18, true), nameLength = view.getUint16(at + 26, true);
    const start = at + 30 + nameLength + view.getUint16(at + 28, true);
    yield [data.subarray(at + 30, at + 30 + nameLength).toString(), data.subarray(start, start + size)];
    at = start + size;
  }
}

mp.FS.mkdir("/totango_py");
if (process.argv[3]) {
  for (const [path, data] of storedEntries(readFileSync(process.argv[3]))) {
    try { mp.FS.mkdir("/" + dirname(path)); } catch (e) {}
    mp.FS.writeFile("/" + path, data);
  }
} else {
  for (const name of readdirSync(join(root, "totango_py"))) {
    if (name.endsWith(".py")) {
      mp.FS.writeFile("/totango_py/" + name, readFileSync(join(root, "totango_py", name)));
    }
  }
}
try {
  mp.runPython("import sys\nsys.path.insert(0, '/')\n" + readFileSync(new URL("scenario.py", import.meta.url), "utf8"));
} catch (error) {
  process.stderr.write(String(error && error.message || error) + "\n");
  process.exit(1);
}
process.stdout.write(out);
