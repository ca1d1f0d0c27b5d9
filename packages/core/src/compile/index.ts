export { traceFunction, traceWith, registerDecomposition, isTracing, type TraceInput, type Decomposition } from './trace.js';
export type { TraceGraph, TraceNode, TraceValue } from './graph.js';
export { traceBackward, type BackwardGraph } from './backward-graph.js';
export { compileLoop, type CompiledLoop, type LoopResult, type LoopSignature, type LoopStep } from './loop.js';
export { eagerLoop } from './eager-loop.js';
export { compileBlocker } from './blocker.js';
export { jit, type Jitted } from './jit.js';
