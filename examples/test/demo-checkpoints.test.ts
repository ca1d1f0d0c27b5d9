// The demo saves and resumes like every example, each task in its own sub-folder, and
// each task's section of the report names the checkpoint every one of its runs was
// saved to or resumed from — so a reader knows which file each figure came from.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentProgress } from '../src/cli/progress.js';
import { quick, runTask, taskPlan, type DemoConfigs } from '../src/demo-tasks.js';
import type { Block } from '../src/report/html.js';

let dir = '';
beforeAll(() => void (dir = mkdtempSync(join(tmpdir(), 'tapestry-demo-checkpoints-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tiny: DemoConfigs = { ...quick, sine: { ...quick.sine, models: ['rnn', 'gru'], hidden: 4, epochs: 5 } };
const lastText = (blocks: readonly Block[]): string => {
  const last = blocks[blocks.length - 1];
  return last.kind === 'text' ? last.text : '';
};

describe('the demo with --save and --resume', () => {
  it("a task's section ends by naming each run's checkpoint, saved or resumed; without them it is unchanged", async () => {
    const plain = await runTask('sine', tiny, silentProgress());
    const saving = taskPlan('sine', { save: dir }, tiny);
    const saved = await runTask('sine', tiny, silentProgress(Infinity, saving));
    const file = (model: string): string => join(dir, 'sine', `sine-${model}-1x4`, 'checkpoint-000000005.safetensors');
    // One block more than without checkpoints (the others hold timings, so they are not compared).
    expect(saved.section.blocks).toHaveLength(plain.section.blocks.length + 1);
    expect(lastText(plain.section.blocks)).not.toContain('Checkpoints');
    expect(lastText(saved.section.blocks)).toBe(`Checkpoints of the runs behind this section's figures and numbers — sine rnn 1×4: saved ${file('rnn')} (step 5); sine gru 1×4: saved ${file('gru')} (step 5).`);
    expect(JSON.parse(JSON.stringify(saving.config))).toEqual(JSON.parse(JSON.stringify(tiny.sine))); // the task's own config in its checkpoints

    const resumed = await runTask('sine', tiny, silentProgress(Infinity, taskPlan('sine', { resume: dir }, tiny)));
    expect(lastText(resumed.section.blocks)).toBe(`Checkpoints of the runs behind this section's figures and numbers — sine rnn 1×4: resumed from ${file('rnn')} (step 5); sine gru 1×4: resumed from ${file('gru')} (step 5).`);
    expect(resumed.summary).toEqual(saved.summary);
  });

  it('the worker threads receive the plan: resuming from a folder without the task’s runs fails naming the task’s own sub-folder', () => {
    const empty = mkdtempSync(join(dir, 'empty-'));
    const demo = fileURLToPath(new URL('../dist/demo.js', import.meta.url));
    const r = spawnSync(process.execPath, [demo, '--only', 'sine', '--jobs', '2', '--resume', empty, '--out', join(dir, 'never.html')], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`demo: sine: `);
    expect(r.stderr).toContain(`cannot resume sine rnn 1×16: ${join(empty, 'sine', 'sine-rnn-1x16')}`);
  });
});
