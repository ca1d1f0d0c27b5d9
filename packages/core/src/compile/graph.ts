import type { OpSpec } from '../ops/op.js';
import type { DType } from '../tensor/dtype.js';
import type { Shape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';

/** One value of a traced graph: a graph input, a constant, or an op's output. */
export interface TraceValue {
  readonly shape: Shape;
  readonly dtype: DType;
  /** Set for a constant: a tensor that existed before the trace or was made without ops. */
  readonly constant?: Tensor;
}

/** One recorded op application: indices into {@link TraceGraph.values}. */
export interface TraceNode {
  readonly spec: OpSpec<unknown>;
  readonly inputs: readonly number[];
  readonly outputs: readonly number[];
  readonly attrs: unknown;
}

/**
 * A static graph of registered ops recorded by {@link traceFunction}: no data, only
 * shapes, dtypes and which op read which value. Nodes are in the order they ran, so
 * every node's inputs are graph inputs, constants or outputs of earlier nodes.
 */
export interface TraceGraph {
  readonly values: readonly TraceValue[];
  readonly inputs: readonly number[];
  readonly nodes: readonly TraceNode[];
  readonly outputs: readonly number[];
}
