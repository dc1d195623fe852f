// Runs tests/micropython/scenario.py on MicroPython (WebAssembly) under Node.
// Usage: node run_scenario.mjs <project-root> [<bundle: {path: base64 data}, e.g. dist/tag/totango_py.mpy.json>]
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const root = process.argv[2];
const { loadMicroPython } = await import(
  join(root, "node_modules/@micropython/micropython-webassembly-pyscript/micropython.mjs"));
let out = "";
const mp = await loadMicroPython({ stdout: (line) => { out += line + "\n"; }, linebuffer: true });
mp.FS.mkdir("/totango_py");
if (process.argv[3]) {
  const bundle = JSON.parse(readFileSync(process.argv[3], "utf8"));
  for (const [path, data] of Object.entries(bundle)) {
    const parts = path.split("/");
    for (let depth = 2; depth < parts.length; depth++) {
      const folder = "/" + parts.slice(0, depth).join("/");
      if (!mp.FS.analyzePath(folder).exists) mp.FS.mkdir(folder);
    }
    mp.FS.writeFile("/" + path, Buffer.from(data, "base64"));
  }
} else {
  for (const name of readdirSync(join(root, "totango_py"))) {
    if (name.endsWith(".py")) {
      mp.FS.writeFile("/totango_py/" + name, readFileSync(join(root, "totango_py", name)));
    }
  }
}
try {
  mp.runPython("import sys\nsys.path.insert(0, '/')\n" + readFileSync(join(root, "tests/micropython/scenario.py"), "utf8"));
} catch (error) {
  process.stderr.write(String(error && error.message || error) + "\n");
  process.exit(1);
}
process.stdout.write(out);
