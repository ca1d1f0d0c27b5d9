/**
 * Errors raised by Tapestry. Every error names where it happened (the op or function)
 * so that a failure deep inside a model points at the line that caused it.
 */

/** Base class of every error Tapestry throws on purpose. */
export class TapestryError extends Error {
  /** `'TapestryError'`, for messages and `error.name` checks. */
  override name = 'TapestryError';
}

/** A shape, rank or axis does not fit what an op expects. The message names the op and the shapes. */
export class ShapeError extends TapestryError {
  /** `'ShapeError'`, for messages and `error.name` checks. */
  override name = 'ShapeError';
}

/** Tensors of incompatible dtypes were combined, or an op does not support a dtype. */
export class DTypeError extends TapestryError {
  /** `'DTypeError'`, for messages and `error.name` checks. */
  override name = 'DTypeError';
}

/** A transform was used wrongly, e.g. `grad` of a function whose value is not a scalar. */
export class GradientError extends TapestryError {
  /** `'GradientError'`, for messages and `error.name` checks. */
  override name = 'GradientError';
}

/** An op produced NaN or Infinity while {@link detectAnomaly} was on. */
export class AnomalyError extends TapestryError {
  /** `'AnomalyError'`, for messages and `error.name` checks. */
  override name = 'AnomalyError';
}

/**
 * A tensor was used after {@link dispose} released it (or released a tensor sharing its
 * storage). The message names the op or function and the tensor.
 */
export class DisposedError extends TapestryError {
  /** `'DisposedError'`, for messages and `error.name` checks. */
  override name = 'DisposedError';
}

/** A hyperparameter or option is out of range; the message names the parameter. */
export class ValueError extends TapestryError {
  /** `'ValueError'`, for messages and `error.name` checks. */
  override name = 'ValueError';
}

/**
 * A saved file (safetensors parameters, a checkpoint) cannot be read: it is truncated,
 * corrupt, or does not hold what the caller expects. The message names the file and,
 * where there is one, the key.
 */
export class LoadError extends TapestryError {
  /** `'LoadError'`, for messages and `error.name` checks. */
  override name = 'LoadError';

  constructor(
    /** The file (or a description of the bytes, e.g. `'<bytes>'`) that could not be read. */
    readonly source: string,
    /** What is wrong, without the file name. */
    readonly reason: string,
    /** The tensor name or checkpoint key at fault, if the fault is in one entry. */
    readonly key?: string,
  ) {
    super(`${source}${key === undefined ? '' : `: '${key}'`}: ${reason}`);
  }
}

/**
 * A traced function did something a data-free trace cannot capture: it read the values
 * of a symbolic tensor (`.data`, `item()` — how a value-dependent branch shows), drew
 * random numbers, or used an op whose forward saves data and has no decomposition.
 * Compiled code (a compiled `scan`) catches it and runs the function eagerly instead.
 */
export class TraceError extends TapestryError {
  /** `'TraceError'`, for messages and `error.name` checks. */
  override name = 'TraceError';
}
