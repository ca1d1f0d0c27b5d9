/**
 * `@tapestry/native`: a native CPU backend for Tapestry, built from source when the
 * package installs. See the package README.
 * @packageDocumentation
 */
export { nativeBackend, createNativeBackend } from './backend.js';
export { bestBackend } from './best.js';
export { type NativeStatus, nativeStatus } from './status.js';
export { setNativeThreads, selectNativeIsa, setNativeParallelThresholds, setNativeRowSplit, type RowSplitOptions } from './controls.js';
export { explainBoundSteps } from './steps.js';
