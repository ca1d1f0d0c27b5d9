import { setBackend, wasmBackend } from '@tapestry/core';
import { run } from './tapestry/longseq.js';
const [variant, backend] = process.argv.slice(2);
if (backend === 'wasm') setBackend(wasmBackend);
const r = await run(variant!, { quick: false, budgetSeconds: 200 });
console.log(variant, backend, r.figure);
