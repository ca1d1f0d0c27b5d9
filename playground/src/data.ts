/**
 * The parts of `@tapestry/data` the playground uses, imported module by module.
 *
 * The package's root entry also exports its Node-only loaders (they import `node:fs`,
 * `node:zlib`, `node:path`), which a browser cannot load; until the package has a
 * browser-safe entry point, the playground imports the pure modules it needs directly
 * from the package's build output. Each of them imports only `@tapestry/core` and fp-ts.
 */
export { sineWindows } from '../../packages/data/dist/datasets/sine.js';
export { addingProblem } from '../../packages/data/dist/datasets/adding.js';
export { Vocab } from '../../packages/data/dist/vocab.js';
export { lmStream, type LmStream } from '../../packages/data/dist/lm-stream.js';
