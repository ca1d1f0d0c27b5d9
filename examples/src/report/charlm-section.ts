/**
 * Section 4 of the report: the language model against the n-gram baselines, dropout
 * off and on, the word-level variant, and six ways to decode. Captions are computed
 * from the run and say plainly when the LSTM does not beat the best n-gram.
 */
import type { CharLmResult, LmRun } from '../tasks/charlm.js';
import { barChart, lineChart, type ReferenceLine, type Row } from './charts.js';
import { fmt, type Block, type Section } from './html.js';
import { name, sci, text } from './section-kit.js';

const ppl = (nats: number): number => Math.exp(nats);
const runLabel = (r: LmRun): string => `dropout ${r.dropout}`;

function bestNgram(r: CharLmResult) {
  return [...r.ngrams].sort((a, b) => a.testPerplexity - b.testPerplexity)[0];
}

function perplexityCaption(r: CharLmResult): string {
  const c = r.config;
  const best = bestNgram(r);
  const lstm = [...r.runs].sort((a, b) => a.testLoss - b.testLoss)[0];
  if (lstm === undefined || best === undefined) return 'The language model did not finish (interrupted).';
  const tokens = lstm.evals[lstm.evals.length - 1]?.tokens ?? 0;
  const epochs = tokens / r.trainChars;
  const beats = ppl(lstm.testLoss) < best.testPerplexity;
  const trend = lstm.evals.length >= 2 ? lstm.evals[lstm.evals.length - 2].devLoss - lstm.evals[lstm.evals.length - 1].devLoss : 0;
  return (
    `Development-slice perplexity of the ${c.layers}×${c.hidden} ${name(c.cell)} as it sees more training characters (${fmt(tokens, 3)} by the end, ${fmt(epochs, 2)} passes over the ${fmt(r.trainChars, 3)}-character training split), against Kneser–Ney n-grams counted on the whole training split (dashed). ` +
    `On the ${r.testChars} test characters: ${name(c.cell)} (${runLabel(lstm)}) ${fmt(ppl(lstm.testLoss), 3)}, best n-gram (order ${best.order}, D = ${best.discount}) ${fmt(best.testPerplexity, 3)}. ` +
    (beats
      ? `The LSTM beats every n-gram order, as the tutorial expects.`
      : `The LSTM does NOT beat the best n-gram in this run: ${fmt(tokens, 3)} training characters are ${epochs < 1 ? 'less than one pass over the text' : 'too few for this model'}, while the n-gram has counted all of it.${lstm.evals.length < 2 ? '' : trend > 0.005 ? ` The curve is still falling (by ${fmt(trend, 2)} nats in the last interval): the gap is the budget, not the architecture — \`pnpm demo --full\` trains longer.` : ' The curve has flattened: a larger model is needed, not only more steps.'}`)
  );
}

function ngramCaption(r: CharLmResult): string {
  const best = bestNgram(r);
  const worseAfter = r.ngrams.filter((g) => g.order > best.order);
  return (
    `Test perplexity of each n-gram order, its discount D tuned on ${r.config.evalChars} development characters over {${r.config.discounts.join(', ')}} and then scored on the test slice — the same ${r.testChars} characters the LSTM is scored on (lines). ` +
    `Orders: ${r.ngrams.map((g) => `${g.order}: ${fmt(g.testPerplexity, 3)} (D ${g.discount})`).join(', ')}. ` +
    `The best is order ${best.order}; ${worseAfter.length > 0 ? `longer contexts get worse again (order ${r.config.maxOrder}: ${fmt(r.ngrams[r.ngrams.length - 1].testPerplexity, 3)}) because most 8-character contexts of the test text were seen rarely or never, and backing off costs probability.` : 'every added order still helped.'}`
  );
}

function dropoutCaption(r: CharLmResult): string {
  const [off, on] = [r.runs.find((x) => x.dropout === 0), r.runs.find((x) => x.dropout > 0)];
  if (off === undefined || on === undefined) {
    const loaded = r.runs.filter((x) => x.checkpoint !== undefined);
    if (loaded.length > 0) return `Only the ${loaded.map(runLabel).join(', ')} run was loaded: comparing dropout off and on needs both (give --checkpoint the --save folder that holds them).`;
    return 'Only one dropout setting ran (interrupted).';
  }
  const gap = (x: LmRun): number => {
    const e = x.evals[x.evals.length - 1];
    return e === undefined ? NaN : e.devLoss - e.trainLoss;
  };
  const last = (x: LmRun): number => x.evals[x.evals.length - 1]?.devLoss ?? NaN;
  const helps = last(on) < last(off);
  return (
    `Training-slice loss (measured with dropout off) and development loss, dropout off and on (p = ${on.dropout}, between the layers and before the head). ` +
    `Final development loss: ${fmt(last(off), 3)} without, ${fmt(last(on), 3)} with dropout; development − training gap: ${fmt(gap(off), 2)} vs ${fmt(gap(on), 2)} nats. ` +
    (helps
      ? 'Dropout helps here: it narrows the gap and lowers the development loss.'
      : gap(off) < 0.05
        ? 'Dropout does not help here, and that is expected: the model has not begun to overfit (training and development losses are nearly equal), so there is nothing for a regulariser to fix — it only slows learning. Its benefit shows once a model is big enough, and trained long enough, to memorise the training text.'
        : 'Dropout narrows the gap but has not yet lowered the development loss within this budget.')
  );
}

function wordCaption(r: CharLmResult): string {
  const w = r.word;
  if (w === undefined) return 'The word-level variant did not run.';
  const chars = [...r.runs].sort((a, b) => a.testLoss - b.testLoss)[0];
  return (
    `The tutorial's word-level model: the same ${r.config.layers}-layer ${name(r.config.cell)} over lower-cased words (vocabulary ${w.vocabSize}, the rarest words become <unk>, ${fmt(100 * w.unkRate, 2)}% of the test words). ` +
    `Test perplexity per word ${fmt(ppl(w.testLoss), 4)}; spread over the characters those words span, ${fmt(w.perCharLoss, 3)} nats per character against the character model's ${fmt(chars?.testLoss ?? NaN, 3)}. ` +
    'The two are not directly comparable: the word model never has to spell a word, lower-casing and single spaces make its text easier, and <unk> — one token standing for every rare word — is easy to predict; per-word perplexities are large because the vocabulary is.'
  );
}

function decodingCaption(r: CharLmResult): string {
  const by = (prefix: string) => r.samples.find((s) => s.method.startsWith(prefix));
  const [greedy, beam, plain] = [by('greedy'), by('beam'), by('sampling')];
  if (greedy === undefined || beam === undefined || plain === undefined) return 'No samples (interrupted).';
  return (
    `Each output's log-probability under the model (untempered) and per character, and its distinct-4-gram ratio (1 = no repeated 4 characters). ` +
    `Greedy ${fmt(greedy.perToken, 3)} nats/char with distinct-4 ${fmt(greedy.distinct4, 2)}; beam ${fmt(beam.perToken, 3)} (distinct-4 ${fmt(beam.distinct4, 2)}); plain sampling ${fmt(plain.perToken, 3)} (distinct-4 ${fmt(plain.distinct4, 2)}). ` +
    (Math.max(greedy.distinct4, beam.distinct4) < plain.distinct4 - 0.2
      ? 'Greedy and beam search repeat themselves, as the tutorial warns. '
      : 'In this run greedy and beam search did not repeat much more than sampling; the usual pattern is that they do. ') +
    'Why: they search for the most probable continuation, and a small model is most confident inside a loop — once "the the" or a common word has been emitted, the state it leads to predicts the same few characters again with high probability, so a cycle is the likeliest path; beam search looks for likelier sequences still, so it falls into the loop at least as surely. ' +
    (beam.tokens < r.config.sampleLength
      ? `Its best beam ended at a newline after ${beam.tokens} characters; ranking finished beams by log-probability per character keeps a short beam from winning just for having fewer factors below one. `
      : beam.text === greedy.text
        ? `No beam emitted a newline within ${r.config.sampleLength} characters, so all had the same length and the best one is greedy's own loop. `
        : `No beam emitted a newline within ${r.config.sampleLength} characters; the best beam (${fmt(beam.perToken, 3)} per character) is likelier than greedy's (${fmt(greedy.perToken, 3)}). `) +
    'Sampling trades likelihood per character for variety; temperature < 1, top-k and top-p cut the unlikely tail that makes plain samples garbled, without collapsing into the loop.'
  );
}

/** Where the sampled model's parameters came from, when they were loaded rather than trained. */
function fromCheckpoint(r: CharLmResult): string {
  const source = r.runs.find((x) => x.dropout === r.sampledFrom)?.checkpoint;
  return source === undefined ? '' : `, loaded from ${source}`;
}

/** With `--checkpoint`: which file each run's parameters (and so every figure's numbers) came from. */
function loadedNote(r: CharLmResult): string {
  const loaded = r.runs.filter((x) => x.checkpoint !== undefined);
  if (loaded.length === 0) return '';
  return ` Nothing was trained in this run: the parameters were loaded (${loaded.map((x) => `${runLabel(x)} from ${x.checkpoint}`).join('; ')}), and each curve has the one point measured at the checkpoint's step.`;
}

/** Section 4: the language model. */
export async function charLmSection(r: CharLmResult): Promise<Section> {
  const c = r.config;
  const best = bestNgram(r);
  const devRows: Row[] = r.runs.flatMap((x) => x.evals.map((e) => ({ tokens: e.tokens, perplexity: ppl(e.devLoss), model: name(c.cell), dropout: runLabel(x) })));
  // Reference lines: the orders that show the progression, and the best one.
  const shownOrders = [...new Set([1, 2, 3, best?.order ?? 5])].filter((o) => o <= r.ngrams.length);
  const rules: ReferenceLine[] = shownOrders.map((o) => ({ y: r.ngrams[o - 1].devPerplexity, label: `${o}-gram KN${o === best?.order ? ' (best)' : ''}` }));
  const curveRows: Row[] = r.runs.flatMap((x) => x.evals.flatMap((e) => [
    { tokens: e.tokens, loss: e.trainLoss, dropout: runLabel(x), slice: 'training slice' },
    { tokens: e.tokens, loss: e.devLoss, dropout: runLabel(x), slice: 'development slice' },
  ]));
  const ngramRows: Row[] = r.ngrams.map((g) => ({ order: String(g.order), perplexity: g.testPerplexity }));
  const lstmRules: ReferenceLine[] = r.runs.map((x, i) => ({ y: ppl(x.testLoss), label: `${name(c.cell)} ${runLabel(x)}: ${fmt(ppl(x.testLoss), 3)}`, kind: 'target' as const, labelX: 330 * i }));
  const blocks: Block[] = [
    text(
      `Embedding ${c.embed} → ${c.layers}-layer ${name(c.cell)} (${c.hidden} units) → dense over ${r.vocabSize} characters. Truncated BPTT: ${c.batch} rows × ${c.seqLen} steps per batch, ${c.steps} steps, ` +
        `Adam with cosine decay from ${c.lr}, gradients clipped to norm 5. Splits: 90% training, 5% development (curves, n-gram discounts), 5% test (scored once, ${r.testChars} characters, by every model).` +
        loadedNote(r),
    ),
    {
      kind: 'table',
      head: ['model', 'test loss (nats/char)', 'test perplexity', 'training tokens/s'],
      digits: [undefined, 4, 4, 3],
      rows: [
        ...r.runs.map((x) => [`${name(c.cell)} ${c.layers}×${c.hidden}, ${runLabel(x)}`, x.testLoss, ppl(x.testLoss), Number.isFinite(x.tokensPerSecond) ? x.tokensPerSecond : '— (loaded)']),
        ...(best === undefined ? [] : [[`${best.order}-gram Kneser–Ney (best order, D = ${best.discount})`, Math.log(best.testPerplexity), best.testPerplexity, '—']]),
      ],
    },
    { kind: 'chart', id: 'charlm-perplexity', svg: await lineChart({ title: 'Development perplexity vs training characters seen', rows: devRows, x: 'tokens', y: 'perplexity', color: 'model', dash: 'dropout', points: true, logY: true, xTitle: 'training characters seen', yTitle: 'perplexity (log)', rules }), caption: perplexityCaption(r) },
    { kind: 'chart', id: 'charlm-ngram', svg: await barChart({ title: 'Kneser–Ney n-grams: test perplexity by order', rows: ngramRows, x: 'order', y: 'perplexity', yTitle: 'test perplexity', rules: lstmRules }), caption: ngramCaption(r) },
    { kind: 'chart', id: 'charlm-dropout', svg: await lineChart({ title: 'Dropout off and on: training vs development loss', rows: curveRows, x: 'tokens', y: 'loss', color: 'dropout', dash: 'slice', points: true, xTitle: 'training characters seen', yTitle: 'loss (nats/char)' }), caption: dropoutCaption(r) },
  ];
  if (r.word !== undefined) {
    const wordRows: Row[] = r.word.evals.flatMap((e) => [
      { tokens: e.tokens, perplexity: ppl(e.trainLoss), slice: 'training slice' },
      { tokens: e.tokens, perplexity: ppl(e.devLoss), slice: 'development slice' },
    ]);
    blocks.push({ kind: 'chart', id: 'charlm-word', svg: await lineChart({ title: 'Word-level model: perplexity per word', rows: wordRows, x: 'tokens', y: 'perplexity', color: 'slice', points: true, logY: true, xTitle: 'training words seen', yTitle: 'perplexity per word (log)' }), caption: wordCaption(r) });
  }
  blocks.push(
    { kind: 'table', caption: `Decoding from the ${runLabel({ dropout: r.sampledFrom } as LmRun)} model (the better on the test slice${fromCheckpoint(r)}), prompt ${JSON.stringify(c.prompt)}`, head: ['method', 'characters', 'log-prob', 'log-prob per char', 'distinct 4-grams'], digits: [undefined, undefined, 4, 3, 2], rows: r.samples.map((s) => [s.method, s.tokens, s.logProb, s.perToken, s.distinct4]) },
    { kind: 'text', text: decodingCaption(r) },
    ...r.samples.map((s): Block => ({ kind: 'pre', title: `${s.method} — log-prob ${sci(s.logProb)}, ${fmt(s.perToken, 3)} per char`, text: s.text })),
  );
  return { id: 'charlm', title: '4. Language model (tiny Shakespeare)', blocks };
}
