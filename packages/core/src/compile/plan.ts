import { resumeTapes, suspendTapes } from '../autograd/tape.js';
import type { Backend } from '../backend/backend.js';
import type { ElementwiseInstruction, ElementwiseProgram } from '../backend/program.js';
import type { StepCommand } from '../backend/step-commands.js';
import type { ForwardResult, OpSpec } from '../ops/op.js';
import { allocate, isFloat } from '../tensor/dtype.js';
import type { Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { blockCommand, broadcastInto } from './block-copy.js';
import { lowerElementwise, withOperands } from './elementwise-ops.js';
import type { TraceGraph, TraceNode } from './graph.js';
import { specOf } from './structural-ops.js';
import { lowerStructural, zeroCommand } from './structural-lowering.js';
import { fuseScatterAdds, scatterInto, scatterSpec, type ScatterAttrs } from './scatter-adds.js';

/** One planned action: a kernel call on preallocated buffers. */
export type Instruction = () => void;

/**
 * A traced graph made executable on fixed buffers: every value has one tensor for the
 * plan's lifetime (a buffer, a view of another value's buffer, or a constant), the
 * nodes that depend only on loop-invariant inputs run once per loop (`hoisted`), and
 * the rest run every step (`perStep`) with no tensor allocated: element-wise chains
 * fused into one program per group, rank-2 products into `matmulInto`, slices and pads
 * as block copies. Other ops run their own forward and are copied into their buffer.
 */
export interface GraphPlan {
  /** The tensor holding each value. Fill a graph input's tensor before running. */
  readonly tensors: readonly Tensor[];
  /** Per value: it does not change from step to step. */
  readonly invariant: readonly boolean[];
  /** Run once per loop, after the invariant inputs are filled. */
  readonly hoisted: readonly Instruction[];
  /** Run every step, after the varying inputs are filled. */
  readonly perStep: readonly Instruction[];
  /** `perStep` as commands, when the backend binds steps and every instruction has a command form. */
  readonly commands: readonly StepCommand[] | undefined;
  /** How many element-wise programs and other kernel calls a step makes (for `explain`). */
  readonly summary: string;
}

/**
 * Plans `graph` for a loop. `varying[i]` says whether graph input `i` changes every
 * step; `readAfter` lists values read after a step (graph outputs are added), which
 * element-wise groups must therefore write out.
 */
export function planGraph(graph: TraceGraph, varying: readonly boolean[], readAfter: Iterable<number>, be: Backend, skip: ReadonlySet<TraceNode> = new Set()): GraphPlan {
  const { values } = graph;
  const nodes = graph.nodes.filter((n) => !skip.has(n));
  const invariant = invariantValues(graph, varying);
  const tensors = new Array<Tensor>(values.length);
  values.forEach((v, i) => {
    if (v.constant !== undefined) tensors[i] = v.constant;
  });
  for (const v of graph.inputs) tensors[v] = new Tensor(values[v].shape, allocate(values[v].dtype, sizeOfShape(values[v].shape)));
  // Views: a reshape of a varying value shares its buffer.
  for (const node of nodes) {
    const structural = specOf(node.spec);
    for (const o of node.outputs) {
      if (tensors[o] !== undefined) continue;
      if (structural === 'reshape' && !invariant[o]) tensors[o] = new Tensor(values[o].shape, tensors[node.inputs[0]].data);
      else tensors[o] = new Tensor(values[o].shape, allocate(values[o].dtype, sizeOfShape(values[o].shape)));
    }
  }
  const hoisted = nodes.filter((n) => invariant[n.outputs[0]]).map((n) => runForwardInto(n, tensors));
  const after = new Set([...readAfter, ...graph.outputs]);
  const stepNodes = fuseScatterAdds(nodes.filter((n) => !invariant[n.outputs[0]]), values, after);
  const scheduled = new StepScheduler({ ...graph, nodes: stepNodes }, tensors, be, after);
  for (const node of stepNodes) scheduled.add(node);
  const { instructions, commands } = scheduled.finish();
  // A step made only of commands a backend can bind runs as one call to it.
  const all = commands.every((c) => c !== undefined) ? (commands as StepCommand[][]).flat() : undefined;
  const whole = all === undefined ? undefined : be.bindSteps?.(all, 1);
  if (whole !== undefined) return { tensors, invariant, hoisted, perStep: [() => whole(0, 1, 0)], commands: all, summary: `${scheduled.summary()} (bound: one backend call)` };
  const { perStep, calls } = bindRuns(instructions, commands, be);
  const summary = scheduled.summary() + (calls === 0 ? '' : ` (bound: ${calls} backend call(s) between the others)`);
  return { tensors, invariant, hoisted, perStep, commands: undefined, summary };
}

/**
 * The instructions with every run of two or more that have a command form bound as one
 * backend call: a step with an op the backend cannot bind (a gather, a softmax) still
 * runs the products and programs around it in as few calls as possible.
 */
function bindRuns(instructions: readonly Instruction[], commands: readonly (StepCommand[] | undefined)[], be: Backend): { perStep: Instruction[]; calls: number } {
  const perStep: Instruction[] = [];
  let calls = 0;
  for (let i = 0; i < instructions.length; ) {
    let j = i;
    while (j < instructions.length && commands[j] !== undefined) j++;
    const bound = j - i >= 2 ? be.bindSteps?.((commands.slice(i, j) as StepCommand[][]).flat(), 1) : undefined;
    if (bound !== undefined) {
      perStep.push(() => bound(0, 1, 0));
      calls++;
    } else perStep.push(...instructions.slice(i, j));
    if (j < instructions.length) perStep.push(instructions[j]);
    i = j + 1;
  }
  return { perStep, calls };
}

/** Per value: it does not change from step to step (constants, invariant inputs, and what only they feed). */
export function invariantValues(graph: TraceGraph, varying: readonly boolean[]): boolean[] {
  const invariant = graph.values.map((v) => v.constant !== undefined);
  graph.inputs.forEach((v, i) => (invariant[v] = !varying[i]));
  for (const node of graph.nodes) {
    const inv = node.inputs.every((v) => invariant[v]);
    for (const o of node.outputs) invariant[o] = inv;
  }
  return invariant;
}

function sizeOfShape(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Any op: its own forward on the current buffers, copied into the output buffers. */
function runForwardInto(node: TraceNode, tensors: readonly Tensor[]): Instruction {
  const ins = node.inputs.map((v) => tensors[v]);
  const outs = node.outputs.map((v) => tensors[v]);
  const spec = node.spec;
  return () => {
    const tapes = suspendTapes();
    let result: Tensor | Tensor[] | ForwardResult;
    try {
      result = spec.forward(ins, node.attrs);
    } finally {
      resumeTapes(tapes);
    }
    const produced = Array.isArray(result) ? result : 'outputs' in result ? result.outputs : [result];
    for (let i = 0; i < outs.length; i++) if (produced[i].data !== outs[i].data) outs[i].data.set(produced[i].data);
  };
}

/** One element-wise group in construction: nodes of one output size, fused into one program. */
interface Group {
  readonly size: number;
  readonly nodes: TraceNode[];
}

/**
 * Orders the per-step nodes into instructions, fusing element-wise nodes: an
 * element-wise node joins the open group of its output size; a group is emitted (as
 * one program) just before the first node outside it that reads one of its values.
 */
class StepScheduler {
  private readonly out: Instruction[] = [];
  /** Per instruction in `out`: the same action as commands, or undefined when it has no command form. */
  private readonly commands: (StepCommand[] | undefined)[] = [];
  private readonly open = new Map<number, Group>();
  private readonly producer = new Map<number, Group>();
  private programs = 0;
  private products = 0;
  private copies = 0;
  private others: string[] = [];
  private readonly consumers = new Map<number, TraceNode[]>();
  /** Reshapes whose output is a view of their input: the output stands for the input's value. */
  private readonly aliasOf = new Map<number, number>();
  private readonly readAfter: ReadonlySet<number>;

  constructor(
    private readonly graph: TraceGraph,
    private readonly tensors: Tensor[],
    private readonly be: Backend,
    readAfter: ReadonlySet<number>,
  ) {
    // A reshape between two element-wise ops (a projection's `[B, 1, G]` → `[B, G]`)
    // would otherwise end one fused program and start another: programs index their
    // operands flat, so the view's consumers read the original value's register instead.
    for (const node of graph.nodes) {
      const [o] = node.outputs;
      if (specOf(node.spec) === 'reshape' && tensors[o].data === tensors[node.inputs[0]].data) this.aliasOf.set(o, this.resolve(node.inputs[0]));
    }
    this.readAfter = new Set([...readAfter].map((v) => this.resolve(v)));
    for (const node of graph.nodes) {
      if (this.isAlias(node)) continue;
      for (const v of node.inputs) {
        const r = this.resolve(v);
        this.consumers.set(r, [...(this.consumers.get(r) ?? []), node]);
      }
    }
  }

  /** The value `v` is a view of (itself when it is no reshape view). */
  private resolve(v: number): number {
    return this.aliasOf.get(v) ?? v;
  }

  private isAlias(node: TraceNode): boolean {
    return this.aliasOf.has(node.outputs[0]) && specOf(node.spec) === 'reshape';
  }

  add(node: TraceNode): void {
    if (this.isAlias(node)) return;
    const size = this.tensors[node.outputs[0]].size;
    const lowered = isFloat(this.graph.values[node.outputs[0]].dtype) ? lowerElementwise(node.spec, node.attrs) : undefined;
    for (const input of node.inputs) {
      const v = this.resolve(input);
      const g = this.producer.get(v);
      if (g !== undefined && (lowered === undefined || g.size !== size)) this.flush(g);
    }
    if (lowered !== undefined) {
      let g = this.open.get(size);
      if (g === undefined) this.open.set(size, (g = { size, nodes: [] }));
      g.nodes.push(node);
      for (const o of node.outputs) this.producer.set(o, g);
      return;
    }
    const { run, commands } = this.lowerOther(node);
    this.out.push(run);
    this.commands.push(commands);
  }

  finish(): { instructions: Instruction[]; commands: (StepCommand[] | undefined)[] } {
    for (const g of [...this.open.values()]) this.flush(g);
    return { instructions: this.out, commands: this.commands };
  }

  summary(): string {
    const other = this.others.length === 0 ? '' : `, ${this.others.length} other op(s) [${[...new Set(this.others)].join(', ')}]`;
    return `${this.programs} element-wise program(s), ${this.products} product(s), ${this.copies} block copies${other} per step`;
  }

  /** `node` as an instruction, with its command form when it has one. */
  private lowerOther(node: TraceNode): { run: Instruction; commands?: StepCommand[] } {
    const t = this.tensors;
    if (node.spec === scatterSpec) {
      const ins = node.inputs.map((v) => t[v]);
      const out = t[node.outputs[0]];
      this.copies += ins.length;
      const attrs = node.attrs as ScatterAttrs;
      const copies = ins.map((x, k) => blockCommand(x.data, x.shape, x.shape.map(() => 0), out.data, out.shape, attrs.starts[k], x.shape));
      const commands = copies.every((c) => c !== undefined) ? [...(attrs.covers ? [] : [zeroCommand(out.data)]), ...(copies as StepCommand[])] : undefined;
      return { run: () => scatterInto(ins, attrs, out), commands };
    }
    const kind = specOf(node.spec);
    const lowered = kind === undefined ? undefined : lowerStructural(node, kind, t, this.be);
    if (lowered !== undefined) {
      this.products += lowered.products;
      this.copies += lowered.copies;
      return lowered;
    }
    this.others.push(node.spec.name);
    return { run: runForwardInto(node, t) };
  }

  /** Emits `g` as one element-wise program (with broadcast copies for inputs a program cannot index). */
  private flush(g: Group): void {
    if (this.open.get(g.size) === g) this.open.delete(g.size);
    for (const node of g.nodes) for (const o of node.outputs) this.producer.delete(o);
    const inGroup = new Set<number>();
    for (const node of g.nodes) for (const o of node.outputs) inGroup.add(o);
    const { values } = this.graph;
    const external: number[] = [];
    const externalTensors: Tensor[] = [];
    const regOf = new Map<number, number>();
    const before: { run: Instruction; command: StepCommand }[] = [];
    const scalarConstants: number[] = [];
    for (const node of g.nodes) {
      for (const input of node.inputs) {
        const v = this.resolve(input);
        if (inGroup.has(v) || regOf.has(v) || scalarConstants.includes(v)) continue;
        const c = values[v].constant;
        if (c !== undefined && c.size === 1) {
          scalarConstants.push(v);
          continue;
        }
        const t = this.readable(v, this.tensors[node.outputs[0]].shape, before);
        regOf.set(v, external.length);
        external.push(v);
        externalTensors.push(t);
      }
    }
    const instructions: ElementwiseInstruction[] = [];
    const first = external.length;
    for (const v of scalarConstants) {
      regOf.set(v, first + instructions.length);
      instructions.push({ op: 'constant', value: (values[v].constant as Tensor).data[0] });
    }
    const outputs: number[] = [];
    const outTensors: Tensor[] = [];
    for (const node of g.nodes) {
      const shape = lowerElementwise(node.spec, node.attrs);
      if (shape === undefined) throw new Error('unreachable: a non-element-wise node in a fused group');
      const reg = first + instructions.length;
      instructions.push(withOperands(shape, node.inputs.map((v) => regOf.get(this.resolve(v)) as number)));
      const o = node.outputs[0];
      regOf.set(o, reg);
      const usedOutside = this.readAfter.has(o) || (this.consumers.get(o) ?? []).some((n) => !g.nodes.includes(n));
      if (usedOutside) {
        outputs.push(reg);
        outTensors.push(this.tensors[o]);
      }
    }
    if (outputs.length === 0) return;
    const program: ElementwiseProgram = { inputs: first, instructions, outputs };
    const be = this.be;
    this.programs++;
    for (const b of before) {
      this.out.push(b.run);
      this.commands.push([b.command]);
    }
    this.out.push(() => be.elementwise(program, externalTensors, outTensors));
    this.commands.push([{ kind: 'program', program, inputs: externalTensors, outputs: outTensors }]);
  }

  /** `v`'s tensor, or a buffer it is broadcast into when a program's modular indexing cannot read it at `shape`. */
  private readable(v: number, shape: Shape, before: { run: Instruction; command: StepCommand }[]): Tensor {
    const t = this.tensors[v];
    if (t.size === sizeOfShape(shape) || t.size === 1 || isTrailingSuffix(t.shape, shape)) return t;
    const expanded = new Tensor(shape, allocate(t.dtype, sizeOfShape(shape)));
    this.copies++;
    before.push({ run: () => broadcastInto(t.data, t.shape, expanded.data, shape), command: { kind: 'broadcast', src: t.data, srcShape: t.shape, dst: expanded.data, dstShape: shape } });
    return expanded;
  }
}

/** True when `inner`, without leading 1s, equals the last axes of `outer`: then element j reads j mod size. */
function isTrailingSuffix(inner: Shape, outer: Shape): boolean {
  let k = 0;
  while (k < inner.length && inner[k] === 1) k++;
  const rest = inner.slice(k);
  if (rest.length > outer.length) return false;
  const tail = outer.slice(outer.length - rest.length);
  return rest.every((d, i) => d === tail[i]);
}

export type { OpSpec };
