/**
 * Summarises a V8 CPU profile (`pnpm bench --cpu-prof DIR`, or any `node --cpu-prof`
 * output): the functions with the most self time, and, for names given after the file,
 * their inclusive time (self plus everything they call).
 *
 *   pnpm --filter @tapestry/bench run profile-top FILE|DIR [--top N] [function ...]
 *
 * Given a folder (one run of `pnpm bench --cpu-prof`), it reads the largest profile in
 * it: the main thread's (the module loader's worker thread writes a small one too).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** `name file:line`, with only the last two path segments of the file. */
function label(n: ProfileNode): string {
  const file = n.callFrame.url.split('/').slice(-2).join('/');
  return `${n.callFrame.functionName || '(anonymous)'} ${file}:${n.callFrame.lineNumber + 1}`;
}

/** Microseconds sampled in each node itself. */
function selfTimes(p: Profile): Map<number, number> {
  const self = new Map<number, number>();
  p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
  return self;
}

/** Self time summed per function label. */
function bySelf(p: Profile, self: Map<number, number>): [string, number][] {
  const totals = new Map<string, number>();
  for (const n of p.nodes) totals.set(label(n), (totals.get(label(n)) ?? 0) + (self.get(n.id) ?? 0));
  return [...totals].sort((a, b) => b[1] - a[1]);
}

/** Inclusive time per function name: each sample counts once for every distinct function on its stack. */
function byInclusive(p: Profile, self: Map<number, number>, names: readonly string[]): [string, number][] {
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const nodes = new Map(p.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  for (const [id, t] of self) {
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const name = nodes.get(cur)?.callFrame.functionName ?? '';
      if (!names.includes(name) || seen.has(name)) continue;
      seen.add(name);
      totals.set(name, (totals.get(name) ?? 0) + t);
    }
  }
  return [...totals].sort((a, b) => b[1] - a[1]);
}

const { values, positionals } = parseArgs({ args: process.argv.slice(2).filter((a) => a !== '--'), allowPositionals: true, options: { top: { type: 'string', default: '25' } } });
const [file, ...names] = positionals;
if (file === undefined) {
  process.stderr.write('usage: profile-top FILE [--top N] [function ...]\n');
  process.exit(2);
}
/** The file itself, or the largest .cpuprofile in the folder. */
function profilePath(path: string): string {
  if (!statSync(path).isDirectory()) return path;
  const files = readdirSync(path).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(path, f));
  if (files.length === 0) throw new Error(`${path}: no .cpuprofile files`);
  return files.reduce((a, b) => (statSync(b).size > statSync(a).size ? b : a));
}

const profile = JSON.parse(readFileSync(profilePath(file), 'utf8')) as Profile;
const self = selfTimes(profile);
const total = [...self.values()].reduce((a, b) => a + b, 0);
const pct = (t: number): string => `${((100 * t) / total).toFixed(1).padStart(5)} %`;
console.log(`${(total / 1000).toFixed(0)} ms sampled\n\nself time:`);
for (const [name, t] of bySelf(profile, self).slice(0, Number(values.top))) console.log(`${pct(t)}  ${name}`);
if (names.length > 0) {
  console.log('\ninclusive time:');
  for (const [name, t] of byInclusive(profile, self, names)) console.log(`${pct(t)}  ${name}`);
}
