/**
 * PyTorch state-dict names for a parameter tree. The same network gets the same names
 * whichever way it was built:
 *
 * - a `stackLayers([...])` of built-in recurrent layers (an array whose entries are
 *   `{ weight_ih, weight_hh, bias_ih, bias_hh }`, or `{ forward, backward }` of those)
 *   is named as one `torch.nn.LSTM/GRU/RNN`: `weight_ih_l0`, `bias_hh_l1_reverse`, …;
 * - a lone `bidirectional(...)` layer is a one-layer bidirectional module (`_l0`,
 *   `_l0_reverse`);
 * - the `LSTM`/`GRU`/`RNN` modules' state dicts already carry those names;
 * - everything else is its dotted path (`embed.weight`, `head.bias`), PyTorch's rule
 *   for nested modules.
 *
 * A lone `{ weight_ih, … }` keeps its four names: it is a `torch.nn.LSTMCell` (the step
 * modules), and also what `recurrent(cell)` gives — wrap it in `stackLayers([…])` to
 * name it as a one-layer `torch.nn.LSTM`.
 */
import { Tensor, ValueError } from '@tapestry/core';

const GATE_KEYS = ['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh'] as const;

type GateTree = Record<(typeof GATE_KEYS)[number], Tensor>;

/** Each tensor's tree path (as `flatten`/`mapTree` spell it) → its state-dict name. */
export function stateDictNames(tree: unknown): Map<string, string> {
  const names = new Map<string, string>();
  const taken = new Map<string, string>();
  const put = (path: string, name: string): void => {
    const other = taken.get(name);
    if (other !== undefined) throw new ValueError(`toStateDict: '${path}' and '${other}' would both be named '${name}'`);
    taken.set(name, path);
    names.set(path, name);
  };
  const layer = (node: unknown, path: string, prefix: string, k: number): void => {
    const dirs: [GateTree, string, string][] = isGates(node) ? [[node, path, '']] : [[(node as Bi).forward, join(path, 'forward'), ''], [(node as Bi).backward, join(path, 'backward'), '_reverse']];
    for (const [gates, at, suffix] of dirs) for (const key of GATE_KEYS) if (gates[key] !== undefined) put(join(at, key), join(prefix, `${key}_l${k}${suffix}`));
  };
  const visit = (node: unknown, path: string, prefix: string): void => {
    if (node instanceof Tensor) put(path, prefix);
    else if (Array.isArray(node) && node.length > 0 && node.every((n) => isGates(n) || isBidirectional(n))) node.forEach((n, k) => layer(n, join(path, String(k)), prefix, k));
    else if (isBidirectional(node)) layer(node, path, prefix, 0);
    else if (node !== null && typeof node === 'object') for (const [key, child] of Object.entries(node)) visit(child, join(path, key), join(prefix, key));
  };
  visit(tree, '', '');
  return names;
}

interface Bi {
  forward: GateTree;
  backward: GateTree;
}

function isGates(node: unknown): node is GateTree {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return false;
  const keys = Object.keys(node);
  return keys.length === GATE_KEYS.length && GATE_KEYS.every((k) => (node as Record<string, unknown>)[k] instanceof Tensor);
}

function isBidirectional(node: unknown): node is Bi {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return false;
  const keys = Object.keys(node);
  return keys.length === 2 && isGates((node as Partial<Bi>).forward) && isGates((node as Partial<Bi>).backward);
}

function join(prefix: string, key: string): string {
  return prefix === '' ? key : `${prefix}.${key}`;
}
