/**
 * The character language model between Tapestry and PyTorch (the guide "Outgrowing
 * one machine"). Export: a `charlm --save` checkpoint's parameters as a PyTorch state
 * dict (`embed.weight`, `rnn.weight_ih_l0`, …, `head.bias`), with the training text's
 * token ids and the model settings, for `pytorch/ddp_charlm.py`. Import: a state dict
 * trained there, checked strictly against the model of the checkpoint it started from,
 * saved as an ordinary checkpoint that `charlm --checkpoint` samples from.
 */
import { fromStorage, type Tensor } from '@tapestry/core';
import { loadCheckpoint, loadSafetensors, saveCheckpoint, saveSafetensors, type JsonValue } from '@tapestry/core/node';
import { Vocab } from '@tapestry/data';
import { fromStateDict, toStateDict } from '@tapestry/layers';
import { lossesOf, resolveCheckpoint, runFolder, savedRun } from '../train/checkpoint.js';
import { charLmDefaults, charSpec, loadCorpus } from './charlm.js';
import { charRunLabel, charRunPrefix, openCharRuns } from './lm-checkpoint.js';
import { makeLm, type LmParams } from './lm-model.js';

/** One character run's checkpoint, loaded and checked against the model its settings describe. */
function openRun(path: string) {
  const file = resolveCheckpoint(path, charRunPrefix);
  const { config, runs } = openCharRuns(file, charLmDefaults);
  const { dropout } = runs[0];
  const corpus = loadCorpus(config.text);
  const vocab = Vocab.build(corpus.text, { specials: {} });
  const loaded = loadCheckpoint(file, { params: makeLm(charSpec(config, dropout), vocab.size).params });
  if (loaded._tag === 'Left') throw new Error(loaded.left.message);
  return { file, config, dropout, label: charRunLabel(config, dropout), corpus, vocab, checkpoint: loaded.right };
}

/** What {@link exportLm} wrote. */
export interface Exported {
  readonly from: string;
  readonly step: number;
  /** The state dict's names, in order. */
  readonly names: readonly string[];
  readonly trainTokens: number;
}

/**
 * Writes the run at `checkpoint` (a checkpoint file, a run folder, or a `--save` folder
 * holding one character run) to `out`: the state dict, `data.train_ids` (the training
 * split as token ids, so PyTorch trains on Tapestry's data and vocabulary) and, in the
 * metadata, `config` (the model settings PyTorch rebuilds the model from: this run's
 * dropout, the vocabulary size), `run`, `from` and `step`.
 */
export function exportLm(checkpoint: string, out: string): Exported {
  const r = openRun(checkpoint);
  const dict = toStateDict(r.checkpoint.params);
  const trainIds = r.vocab.encode(r.corpus.train);
  const config = { ...r.config, dropout: r.dropout, vocab: r.vocab.size };
  saveSafetensors(out, { ...dict, 'data.train_ids': fromStorage([trainIds.length], trainIds) }, { format: 'pt', config: JSON.stringify(config), run: r.label, from: r.file, step: String(r.checkpoint.step) });
  return { from: r.file, step: r.checkpoint.step, names: Object.keys(dict), trainTokens: trainIds.length };
}

/** What {@link importLm} wrote. */
export interface Imported {
  readonly file: string;
  readonly tensors: number;
  readonly step: number;
}

/**
 * Reads the state dict in `torchFile` (tensors named `data.…` are not parameters and are
 * skipped), checks it strictly against the model of the run at `checkpoint` — every
 * missing, unexpected or wrong-shaped name reported at once — and saves it in `folder`
 * (under the run's own sub-folder) as a checkpoint of that run: its config, the steps of
 * both trainers (`steps` of the metadata counts PyTorch's), and the loss history
 * continued with PyTorch's (`losses`, a JSON list, when the file has it). There is no
 * optimizer state: PyTorch's Adam moments stay behind.
 */
export function importLm(torchFile: string, checkpoint: string, folder: string): Imported {
  const r = openRun(checkpoint);
  const read = loadSafetensors(torchFile);
  if (read._tag === 'Left') throw new Error(read.left.message);
  const { tensors, metadata } = read.right;
  const dict: Record<string, Tensor> = Object.fromEntries(Object.entries(tensors).filter(([k]) => !k.startsWith('data.')));
  const loaded = fromStateDict<LmParams>(dict, r.checkpoint.params, torchFile);
  if (loaded._tag === 'Left') throw new Error(loaded.left.message);
  const torchSteps = count(torchFile, metadata, 'steps');
  const torchLosses = lossList(torchFile, metadata.losses);
  const file = saveCheckpoint(runFolder(folder, r.label), {
    params: loaded.right,
    optimizer: {},
    rngs: {},
    step: r.checkpoint.step + torchSteps,
    config: savedRun(r.file).config as JsonValue,
    data: {
      run: r.label,
      losses: [...lossesOf(r.checkpoint.data), ...torchLosses],
      trainedBy: `Tapestry for ${r.checkpoint.step} steps (${r.file}), then ${metadata.trainer ?? 'PyTorch'} for ${torchSteps} steps (${torchFile})`,
    },
  });
  return { file, tensors: Object.keys(dict).length, step: r.checkpoint.step + torchSteps };
}

/** A non-negative integer of the metadata (0 when absent); throws naming the file and the key. */
function count(file: string, metadata: Record<string, string>, key: string): number {
  const raw = metadata[key];
  if (raw === undefined) return 0;
  if (!/^\d+$/.test(raw)) throw new Error(`${file}: '${key}': must be a non-negative integer, got ${JSON.stringify(raw)}`);
  return Number(raw);
}

/** The metadata's `losses` (a JSON list; null for a diverged step), or none; throws naming the file. */
function lossList(file: string, raw: string | undefined): number[] {
  if (raw === undefined) return [];
  let list: unknown;
  try {
    list = JSON.parse(raw);
  } catch {
    list = undefined;
  }
  if (!Array.isArray(list)) throw new Error(`${file}: 'losses': must be a JSON list of numbers`);
  return lossesOf({ losses: list as JsonValue[] });
}
