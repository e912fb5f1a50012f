// Node entry: the same module as for browsers, instantiated synchronously from the .wasm
// beside it, so `lint` and the others work as soon as the import resolves.
import { readFileSync } from "node:fs";
import { initSync } from "./dist/aisgate.js";

initSync({ module: readFileSync(new URL("./dist/aisgate_bg.wasm", import.meta.url)) });

export * from "./dist/aisgate.js";
export { default } from "./dist/aisgate.js";
