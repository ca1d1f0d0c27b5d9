#!/usr/bin/env node
/**
 * Moves the character LM between Tapestry and PyTorch (see the guide "Outgrowing one
 * machine"):
 *
 *   node examples/dist/bin/charlm-torch.js export CHECKPOINT OUT.safetensors
 *     the parameters of a `charlm --save` run as a PyTorch state dict (`embed.weight`,
 *     `rnn.weight_ih_l0`, …, `head.bias`), with the training text's token ids
 *     (`data.train_ids`) and the model settings (metadata `config`)
 *
 *   node examples/dist/bin/charlm-torch.js import TORCH.safetensors CHECKPOINT FOLDER
 *     a state dict trained under PyTorch, checked strictly against the model of
 *     CHECKPOINT, saved as a checkpoint in FOLDER for `charlm --checkpoint FOLDER`
 *
 * CHECKPOINT is a checkpoint file, a run folder (`runs/char-LM-lstm-2x64-dropout-0`), or
 * a `--save` folder holding one character run.
 */
import { exportLm, importLm } from '../tasks/lm-torch.js';

const usage = 'usage: charlm-torch export CHECKPOINT OUT.safetensors | charlm-torch import TORCH.safetensors CHECKPOINT FOLDER';

try {
  const [command, ...args] = process.argv.slice(2);
  if (command === 'export' && args.length === 2) {
    const e = exportLm(args[0], args[1]);
    console.log(`wrote ${args[1]}: ${e.names.join(', ')} and ${e.trainTokens} training token ids (from ${e.from}, step ${e.step})`);
  } else if (command === 'import' && args.length === 3) {
    const i = importLm(args[0], args[1], args[2]);
    console.log(`wrote ${i.file} (step ${i.step}): ${i.tensors} tensors checked strictly against the model of ${args[1]}`);
  } else {
    console.error(usage);
    process.exit(2);
  }
} catch (e) {
  console.error(`charlm-torch: ${(e as Error).message}`);
  process.exit(1);
}
