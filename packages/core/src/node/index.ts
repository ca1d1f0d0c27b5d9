/**
 * `@tapestry/core/node`: helpers that need Node's file system. The root entry
 * `@tapestry/core` stays free of `node:` imports so that it bundles for the browser.
 *
 * @packageDocumentation
 */
export { writeFileAtomic } from './write-file-atomic.js';
