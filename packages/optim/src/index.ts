/**
 * `@tapestry/optim`: composable gradient transformations over parameter trees, in the
 * style of Optax. Each transformation is `{ init(params), update(grads, state, params) }`;
 * `chain` composes them and `step` applies the result to the parameters.
 *
 * @packageDocumentation
 */
export type { GradientTransformation, UpdateResult, StateOf } from './transformation.js';
export type { Optimizer } from './optimizer.js';
export { asOptimizer } from './optimizer.js';
export { applyUpdates } from './apply-updates.js';
export type { Moments } from './moments.js';
export type { Hyper, Schedule } from './hyper.js';
export type { EmptyState } from './identity.js';
export { identity } from './identity.js';
export type { ScaleState } from './scale.js';
export { scale } from './scale.js';
export type { ChainState, NamedChainState } from './chain.js';
export { chain, namedChain } from './chain.js';
export type { SgdOptions, SgdState } from './sgd.js';
export { sgd } from './sgd.js';
export type { AdamOptions, AdamState } from './adam.js';
export { adam } from './adam.js';
export { adamw } from './adamw.js';
export type { RmspropOptions, RmspropState } from './rmsprop.js';
export { rmsprop } from './rmsprop.js';
export type { AdagradOptions, AdagradState } from './adagrad.js';
export { adagrad } from './adagrad.js';
export type { ClipByGlobalNormOptions, ClipByGlobalNormState, ClipByValueState } from './clip.js';
export { clipByGlobalNorm, clipByValue, globalNorm, lastGradNorm } from './clip.js';
export type { ApplyIfFiniteState } from './guard.js';
export { applyIfFinite } from './guard.js';
export type {
  CosineDecayOptions,
  ExponentialDecayOptions,
  LinearWarmupOptions,
  StepDecayOptions,
  WarmupCosineDecayOptions,
} from './schedules.js';
export { constantSchedule, cosineDecay, exponentialDecay, joinSchedules, linearWarmup, stepDecay, warmupCosineDecay } from './schedules.js';
export type { HyperValues, InjectHyperparamsState } from './inject.js';
export { injectHyperparams, setHyperparams } from './inject.js';
export type { FlatState, JsonScalar } from './state-io.js';
export { cloneState, flattenState, restoreState } from './state-io.js';
