// Runs the emulator's collector (emulator/totango_collector.js) under Node on the commands given
// and prints the pixel URLs it made, as JSON: what a page's collector sends, for comparison.
// Usage: node run_collector.mjs <collector.js> '{"options": {...}, "commands": [["go", {...}], ...]}'
import { readFileSync } from "node:fs";
import vm from "node:vm";

const [file, given] = process.argv.slice(2);
const { options, commands } = JSON.parse(given);
const origin = "http://collector.test";
const window = { totango_options: options };
const page = vm.createContext({
  window,
  console,
  URL,
  location: { href: origin + "/", origin },
  document: { currentScript: { src: origin + "/emulator/totango4.0.3.js" }, getElementsByTagName: () => [] },
  Image: function Image() {},
  setInterval: () => 0,  // no heartbeat: its timing is not what is compared
});
vm.runInContext(readFileSync(file, "utf8"), page);
for (const [method, ...args] of commands) {
  window.totango[method](...args);
}
process.stdout.write(JSON.stringify(window.__totango_emulator_sent));
