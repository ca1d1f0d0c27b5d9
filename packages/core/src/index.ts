/**
 * `@tapestry/core`: tensors, kernels, the op registry, a reverse-mode autograd tape,
 * function transforms, parameter trees and a seeded random number generator.
 *
 * @packageDocumentation
 */
export { coreVersion } from './single-copy.js';
export * from './errors.js';
export * from './tensor/dtype.js';
export * from './tensor/shape.js';
export * from './tensor/tensor.js';
export * from './tensor/create.js';
export { dispose } from './tensor/dispose.js';
export * from './random/rng.js';
export * from './tree/tree.js';
export * from './backend/backend.js';
export * from './backend/current.js';
export * from './backend/program.js';
export * from './backend/step-commands.js';
export { jsBackend } from './backend/js/js-backend.js';
export { wasmBackend } from './backend/wasm/wasm-backend.js';
export { wasmSimdSupported } from './backend/wasm/kernels.js';
export * from './ops/op.js';
export * from './ops/operand.js';
export { add, sub, mul, div, pow, maximum, minimum, neg } from './ops/arithmetic.js';
export { equal, notEqual, less, lessEqual, greater, greaterEqual } from './ops/compare.js';
export { where } from './ops/where.js';
export { exp, log, log1p, sqrt, abs, sin, cos, square, reciprocal, sign } from './ops/math.js';
export { tanh, sigmoid, relu, softplus, clamp } from './ops/activation.js';
export { sum, max, min, mean, logsumexp, argmax, argmin, type Axes } from './ops/reduce.js';
export { matmul, type MatmulOptions } from './ops/matmul.js';
export { reshape, permute, transpose, broadcastTo, unsqueeze, squeeze } from './ops/shape.js';
export { slice, sliceAxis, index, pad, concat, stack, split, unstack } from './ops/join.js';
export { gather, scatterAdd, takeAlongAxis, putAlongAxis } from './ops/gather.js';
export { softmax, logSoftmax } from './ops/softmax.js';
export { cast } from './ops/cast.js';
export { oneHot } from './ops/one-hot.js';
export { noGrad, isRecording, Tape, withTape, type TapeEntry } from './autograd/tape.js';
export { detectAnomaly } from './autograd/anomaly.js';
export { stopGradient } from './autograd/stop-gradient.js';
export { backward, sumToShape } from './autograd/backward.js';
export * from './autograd/transforms.js';
export * from './autograd/record.js';
export type { ProductTerm } from './autograd/product-term.js';
export { encodeSafetensors, decodeSafetensors, type Safetensors, type SafetensorsDType } from './io/safetensors.js';
export type { Either, Left, Right } from './either.js';
export * from './compile/index.js';
