/**
 * Tapestry → PyTorch: writes Tapestry models (random parameters, a random input and
 * Tapestry's outputs) as safetensors files under PyTorch's state-dict names, for
 * `interop/pytorch_interop.py check FOLDER` to load into `torch.nn` with
 * `load_state_dict(strict=True)` and compare.
 *
 *   node golden/dist/interop-export.js FOLDER
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Rng, type DType, type Tensor } from '@tapestry/core';
import { saveSafetensors } from '@tapestry/core/node';
import { toStateDict } from '@tapestry/layers';
import { asModule, asStack, type InteropConfig } from './interop-models.js';

/** The same models as the Python script's. */
export const interopCases: Record<string, InteropConfig> = {
  lstm_l1: { kind: 'lstm', input: 4, hidden: 5, layers: 1, bidirectional: false },
  lstm_l2_bi: { kind: 'lstm', input: 4, hidden: 5, layers: 2, bidirectional: true },
  gru_l2: { kind: 'gru', input: 4, hidden: 5, layers: 2, bidirectional: false },
  gru_l1_bi: { kind: 'gru', input: 4, hidden: 3, layers: 1, bidirectional: true },
  rnn_tanh_l2_bi: { kind: 'rnn', nonlinearity: 'tanh', input: 4, hidden: 5, layers: 2, bidirectional: true },
  rnn_relu_l1: { kind: 'rnn', nonlinearity: 'relu', input: 4, hidden: 5, layers: 1, bidirectional: false },
  lm_lstm_l2: { kind: 'lm', vocab: 11, embed: 6, hidden: 7, layers: 2 },
};

/** Writes every case, built both as the module and as the stack of cells, in float64 and float32; returns the files. */
export function exportInteropFiles(folder: string): string[] {
  mkdirSync(folder, { recursive: true });
  const written: string[] = [];
  let seed = 0;
  for (const dtype of ['float64', 'float32'] as DType[]) {
    for (const [name, config] of Object.entries(interopCases)) {
      for (const [how, build] of [['module', asModule], ['stack', asStack]] as const) {
        const rng = new Rng(seed++);
        const model = build(config, dtype, rng);
        const io: Record<string, Tensor> =
          config.kind === 'lm' ? { 'io.tokens': rng.integers([3, 6], config.vocab ?? 1) } : { 'io.input': rng.normal([3, 6, config.input ?? 1], { dtype }) };
        const outputs = model.run(model.template, io);
        const path = join(folder, `${name}_${dtype === 'float64' ? 'f64' : 'f32'}_${how}.safetensors`);
        saveSafetensors(path, { ...toStateDict(model.template), ...io, ...outputs }, { config: JSON.stringify(config), writer: 'tapestry' });
        written.push(path);
      }
    }
  }
  return written;
}

const folder = process.argv[2];
if (folder !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  for (const path of exportInteropFiles(folder)) console.log(`wrote ${path}`);
}
