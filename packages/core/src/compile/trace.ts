import { TraceError } from '../errors.js';
import { noGrad, recordOp, resumeTapes, suspendTapes } from '../autograd/tape.js';
import type { DifferentiableOpSpec, ForwardResult, OpSpec } from '../ops/op.js';
import { allocate, type DType } from '../tensor/dtype.js';
import { takeTensorId } from '../tensor/ids.js';
import { formatShape, sizeOf, type Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import type { TraceGraph, TraceNode, TraceValue } from './graph.js';
import { activeTrace, withActiveTrace, type ActiveTrace } from './trace-state.js';

/** Replaces an op that a trace cannot record as it is (its forward saves data) by an equivalent composition of ops. */
export type Decomposition = (inputs: readonly Tensor[], attrs: unknown) => Tensor[];

const decompositions = new Map<OpSpec<unknown>, Decomposition>();

/**
 * Tells traces to record `spec` as `decomposition` — the same function composed from
 * traceable ops. Needed for ops whose forward saves data for a hand-written backward
 * (a trace has no data to save); the backward of the composition is then derived from
 * its ops' own rules.
 */
export function registerDecomposition<A>(spec: OpSpec<A>, decomposition: (inputs: readonly Tensor[], attrs: A) => Tensor[]): void {
  decompositions.set(spec as OpSpec<unknown>, decomposition as Decomposition);
}

/** True while a trace records (random draws check it). */
export function isTracing(): boolean {
  return activeTrace() !== undefined;
}

/** A tensor with a shape and a dtype but no values: reading them throws a {@link TraceError}. */
function symbolicTensor(shape: Shape, dtype: DType): Tensor {
  const t = Object.create(Tensor.prototype) as Tensor;
  const frozen = Object.freeze([...shape]);
  Object.defineProperties(t, {
    id: { value: takeTensorId(), enumerable: true },
    shape: { value: frozen, enumerable: true },
    size: { value: sizeOf(frozen), enumerable: true },
    dtype: { value: dtype, enumerable: true },
    isDisposed: { value: false }, // a symbolic value has no storage to release
    data: {
      enumerable: false,
      get(): never {
        throw new TraceError(`a traced function read the values of a symbolic ${dtype} ${formatShape(frozen)} tensor (a trace has no data: value-dependent code cannot be compiled)`);
      },
    },
  });
  return t;
}

/** Records op applications on symbolic tensors into a {@link TraceGraph}. */
class Trace implements ActiveTrace {
  readonly values: TraceValue[] = [];
  readonly inputs: number[] = [];
  readonly nodes: TraceNode[] = [];
  readonly decomposed = new Set<string>();
  private readonly index = new Map<number, number>();
  private readonly symbolic = new Set<number>();
  private readonly standIns = new Map<number, Tensor>();

  /** A new graph input. */
  input(shape: Shape, dtype: DType): Tensor {
    const t = this.fresh(shape, dtype);
    this.inputs.push(this.index.get(t.id) as number);
    return t;
  }

  /** The value index of `t`: a symbolic tensor of this trace, or else a constant (registered on first use). */
  valueOf(t: Tensor): number {
    const known = this.index.get(t.id);
    if (known !== undefined) return known;
    if (!(t instanceof Tensor)) throw new TraceError(`a traced function passed ${typeof t} where a tensor was expected`);
    const v = this.values.length;
    this.values.push({ shape: t.shape, dtype: t.dtype, constant: t });
    this.index.set(t.id, v);
    return v;
  }

  apply(spec: OpSpec<unknown>, inputs: readonly Tensor[], attrs: unknown): Tensor[] {
    const ins = inputs.map((t) => this.valueOf(t));
    const result = this.runForward(spec, inputs.map((t) => this.standIn(t)), attrs);
    let outputs: Tensor[];
    let saved: unknown;
    if (Array.isArray(result)) outputs = result;
    else if ('outputs' in result) ({ outputs, saved } = result);
    else outputs = [result];
    if (saved !== undefined) {
      const decomposition = decompositions.get(spec);
      if (decomposition === undefined) {
        throw new TraceError(`op '${spec.name}' saves data for its backward rule and has no registered decomposition, so a trace cannot record it`);
      }
      this.decomposed.add(spec.name);
      return decomposition(inputs, attrs);
    }
    const symbolic = outputs.map((o) => this.fresh(o.shape, o.dtype));
    this.nodes.push({ spec, inputs: ins, outputs: symbolic.map((s) => this.index.get(s.id) as number), attrs });
    // A tape made inside the traced function (a jitted `valueAndGrad`) records the
    // symbolic op too: its backward sweep then traces the op's vjp into the same graph.
    if ('vjp' in spec) recordOp(spec as DifferentiableOpSpec<never>, inputs, symbolic, attrs, undefined);
    return symbolic;
  }

  /** Shapes and dtypes come from the op's own forward run on zeros: every op infers them the way it does eagerly. */
  private runForward(spec: OpSpec<unknown>, standIns: Tensor[], attrs: unknown): Tensor | Tensor[] | ForwardResult {
    return withActiveTrace(undefined, () => {
      const tapes = suspendTapes();
      try {
        return spec.forward(standIns, attrs);
      } finally {
        resumeTapes(tapes);
      }
    });
  }

  private standIn(t: Tensor): Tensor {
    if (!this.symbolic.has(t.id)) return t;
    let z = this.standIns.get(t.id);
    if (z === undefined) {
      z = new Tensor(t.shape, allocate(t.dtype, t.size));
      this.standIns.set(t.id, z);
    }
    return z;
  }

  private fresh(shape: Shape, dtype: DType): Tensor {
    const t = symbolicTensor(shape, dtype);
    this.index.set(t.id, this.values.length);
    this.symbolic.add(t.id);
    this.values.push({ shape: t.shape, dtype });
    return t;
  }

  graph(outputs: readonly Tensor[]): TraceGraph {
    return { values: this.values, inputs: this.inputs, nodes: this.nodes, outputs: outputs.map((t) => this.valueOf(t)), decomposed: [...this.decomposed] };
  }
}

/** The shape and dtype of one traced input. */
export interface TraceInput {
  /** Its shape. */
  readonly shape: Shape;
  /** Its dtype. */
  readonly dtype: DType;
}

/**
 * Runs `fn` once on symbolic tensors of the given shapes and dtypes and returns the
 * graph of registered ops it applied. Tensors `fn` makes without ops (`zeros`, numbers
 * turned into scalars) are recorded as constants. Throws a {@link TraceError} when
 * `fn` does something a trace cannot see (see there). It runs under `noGrad`: tapes
 * active outside record real tensors and must not see symbolic ones (a scan compiling its
 * step inside `grad`), while a tape `fn` makes itself (a jitted `valueAndGrad`) records.
 */
export function traceFunction(fn: (inputs: Tensor[]) => Tensor[], inputs: readonly TraceInput[]): TraceGraph {
  const trace = new Trace();
  const symbolic = inputs.map((i) => trace.input(i.shape, i.dtype));
  const outputs = noGrad(() => withActiveTrace(trace, () => fn(symbolic)));
  return trace.graph(outputs);
}

/** Like {@link traceFunction}, for a builder that creates its own inputs with `input` (any number, in any order). */
export function traceWith(fn: (input: (shape: Shape, dtype: DType) => Tensor) => Tensor[]): TraceGraph {
  const trace = new Trace();
  const outputs = noGrad(() => withActiveTrace(trace, () => fn((shape, dtype) => trace.input(shape, dtype))));
  return trace.graph(outputs);
}
