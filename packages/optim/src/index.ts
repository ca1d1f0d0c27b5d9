/**
 * `@tapestry/optim`: composable gradient transformations over parameter trees, in the
 * style of Optax. Each transformation is `{ init(params), update(grads, state, params) }`
 * with a pure update; small primitives (`scaleByAdam`, `trace`, `addDecayedWeights`,
 * `scaleByLearningRate`, clipping, …) compose with `chain`, and the optimizers (`sgd`,
 * `adam`, `adamw`, `rmsprop`, `adagrad`) are such chains.
 *
 * @packageDocumentation
 */
export type { GradientTransformation, UpdateResult, StateOf } from './transformation.js';
export type { Optimizer } from './optimizer.js';
export { asOptimizer } from './optimizer.js';
export { applyUpdates } from './apply-updates.js';
export type { Moments } from './moments.js';
export type { Hyper, Schedule } from './hyper.js';
export type { ChainState, NamedChainState } from './chain.js';
export { chain, namedChain } from './chain.js';

// Primitives
export type { EmptyState } from './identity.js';
export { identity } from './identity.js';
export { scale } from './scale.js';
export type { ScaleByLearningRateOptions, ScaleByLearningRateState } from './learning-rate.js';
export { scaleByLearningRate } from './learning-rate.js';
export type { AddDecayedWeightsState } from './weight-decay.js';
export { addDecayedWeights } from './weight-decay.js';
export type { TraceOptions, TraceState } from './trace.js';
export { trace } from './trace.js';
export type { ScaleByAdamOptions, ScaleByAdamState } from './scale-by-adam.js';
export { scaleByAdam } from './scale-by-adam.js';
export type { ScaleByRmsOptions, ScaleByRmsState } from './scale-by-rms.js';
export { scaleByRms } from './scale-by-rms.js';
export type { ScaleByAdagradOptions, ScaleByAdagradState } from './scale-by-adagrad.js';
export { scaleByAdagrad } from './scale-by-adagrad.js';
export type { ClipByGlobalNormOptions, ClipByGlobalNormState, ClipByValueState } from './clip.js';
export { clipByGlobalNorm, clipByValue, globalNorm, lastGradNorm } from './clip.js';
export type { ApplyIfFiniteState } from './guard.js';
export { applyIfFinite } from './guard.js';
export type { LabelTree, Labels } from './label-tree.js';
export type { Mask, MaskedState } from './masked.js';
export { masked } from './masked.js';
export type { MultiTransformState } from './multi-transform.js';
export { multiTransform } from './multi-transform.js';

// Optimizers: chains of the primitives
export type { SgdOptions, SgdState } from './sgd.js';
export { sgd } from './sgd.js';
export type { AdamOptions, AdamState } from './adam.js';
export { adam } from './adam.js';
export { adamw } from './adamw.js';
export type { RmspropOptions, RmspropState } from './rmsprop.js';
export { rmsprop } from './rmsprop.js';
export type { AdagradOptions, AdagradState } from './adagrad.js';
export { adagrad } from './adagrad.js';

// Schedules, hyperparameters in the state, loading a saved state
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
export { loadState } from './load-state.js';
