#!/usr/bin/env node
/**
 * Moves the character LM between Tapestry and PyTorch (see the guide "Outgrowing one
 * machine"):
 *
 *   node examples/dist/bin/charlm-torch.js export CHECKPOINT OUT.safetensors
 *     the parameters of a `charlm --save` checkpoint as a PyTorch state dict
 *     (`embed.weight`, `rnn.weight_ih_l0`, …, `head.bias`), with the training text's
 *     token ids (`data.train_ids`) and the model settings (metadata `config`)
 *
 *   node examples/dist/bin/charlm-torch.js import TORCH.safetensors CHECKPOINT FOLDER
 *     a state dict trained under PyTorch, checked strictly against the model of
 *     CHECKPOINT, saved as a checkpoint in FOLDER for `charlm --checkpoint FOLDER`
 */
import { fromStorage, unflatten, type Tensor } from '@tapestry/core';
import { loadSafetensors, saveCheckpoint, saveSafetensors, type JsonValue } from '@tapestry/core/node';
import { Vocab, getOrThrow } from '@tapestry/data';
import { loadTinyShakespeare } from '@tapestry/data/node';
import { fromStateDict, toStateDict } from '@tapestry/layers';
import { resolveCheckpoint, runFolder } from '../train/checkpoint.js';

const usage = 'usage: charlm-torch export CHECKPOINT OUT.safetensors | charlm-torch import TORCH.safetensors CHECKPOINT FOLDER';

/** The file's tensors and metadata, or an error naming the file. */
function read(file: string): { tensors: Record<string, Tensor>; metadata: Record<string, string> } {
  const loaded = loadSafetensors(file);
  if (loaded._tag === 'Left') throw new Error(loaded.left.message);
  return loaded.right;
}

/** A Tapestry checkpoint's parameter tree (the `params.*` tensors, nested again) and its run config. */
function checkpointParams(path: string): { file: string; params: unknown; config: Record<string, JsonValue>; step: number } {
  const file = resolveCheckpoint(path, 'charlm-');
  const { tensors, metadata } = read(file);
  const params = unflatten(Object.entries(tensors).filter(([k]) => k.startsWith('params.')).map(([k, leaf]) => ({ path: k.slice('params.'.length), leaf })));
  return { file, params, config: JSON.parse(metadata.config ?? '{}') as Record<string, JsonValue>, step: Number(metadata.step) };
}

function exportModel(checkpoint: string, out: string): void {
  const { file, params, config, step } = checkpointParams(checkpoint);
  // The same corpus and vocabulary charlm trained on, so PyTorch continues on the same data.
  const text = getOrThrow(loadTinyShakespeare(typeof config.text === 'string' ? { path: config.text } : {}));
  const vocab = Vocab.build(text, { specials: {} });
  const trainIds = vocab.encode(text.slice(0, Math.floor(text.length * 0.9)));
  const dict = toStateDict(params);
  saveSafetensors(out, { ...dict, 'data.train_ids': fromStorage([trainIds.length], trainIds) }, { config: JSON.stringify({ ...config, vocab: vocab.size }), from: file, step: String(step) });
  console.log(`wrote ${out}: ${Object.keys(dict).join(', ')} and ${trainIds.length} training token ids (from ${file}, step ${step})`);
}

function importModel(torchFile: string, checkpoint: string, folder: string): void {
  const { params: template, config, step } = checkpointParams(checkpoint);
  const { tensors, metadata } = read(torchFile);
  const dict = Object.fromEntries(Object.entries(tensors).filter(([k]) => !k.startsWith('data.')));
  const loaded = fromStateDict(dict, template, torchFile);
  if (loaded._tag === 'Left') throw loaded.left;
  const torchSteps = Number(metadata.steps ?? 0);
  const label = `charlm ${String(config.cell)} ${String(config.layers)}×${String(config.hidden)}`;
  // No optimizer state: PyTorch's Adam moments stay behind, so this checkpoint is for sampling and evaluation.
  const saved = saveCheckpoint(runFolder(folder, label), {
    params: loaded.right,
    optimizer: {},
    rngs: {},
    step: step + torchSteps,
    config,
    data: { trainedBy: `tapestry for ${step} steps, then PyTorch DDP for ${torchSteps} steps`, losses: [] },
  });
  console.log(`wrote ${saved}: ${Object.keys(dict).length} tensors checked strictly against the model of ${checkpoint}`);
}

try {
  const [command, ...args] = process.argv.slice(2);
  if (command === 'export' && args.length === 2) exportModel(args[0], args[1]);
  else if (command === 'import' && args.length === 3) importModel(args[0], args[1], args[2]);
  else {
    console.error(usage);
    process.exit(2);
  }
} catch (e) {
  console.error(`charlm-torch: ${(e as Error).message}`);
  process.exit(1);
}
