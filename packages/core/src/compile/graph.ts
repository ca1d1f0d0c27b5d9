import type { OpSpec } from '../ops/op.js';
import type { DType } from '../tensor/dtype.js';
import type { Shape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';

/** One value of a traced graph: a graph input, a constant, or an op's output. */
export interface TraceValue {
  /** Its shape. */
  readonly shape: Shape;
  /** Its dtype. */
  readonly dtype: DType;
  /** Set for a constant: a tensor that existed before the trace or was made without ops. */
  readonly constant?: Tensor;
}

/** One recorded op application: indices into {@link TraceGraph.values}. */
export interface TraceNode {
  /** The registered op. */
  readonly spec: OpSpec<unknown>;
  /** The values it read, in the op's input order. */
  readonly inputs: readonly number[];
  /** The values it produced. */
  readonly outputs: readonly number[];
  /** Its non-tensor arguments, as passed to the op. */
  readonly attrs: unknown;
}

/**
 * A static graph of registered ops recorded by {@link traceFunction}: no data, only
 * shapes, dtypes and which op read which value. Nodes are in the order they ran, so
 * every node's inputs are graph inputs, constants or outputs of earlier nodes.
 */
export interface TraceGraph {
  /** Every value, indexed by the numbers nodes, inputs and outputs use. */
  readonly values: readonly TraceValue[];
  /** The traced function's inputs, in order. */
  readonly inputs: readonly number[];
  /** The op applications, in the order they ran. */
  readonly nodes: readonly TraceNode[];
  /** The traced function's outputs, in order. */
  readonly outputs: readonly number[];
  /** Ops recorded through their registered decomposition (see `registerDecomposition`), by name. */
  readonly decomposed: readonly string[];
}
