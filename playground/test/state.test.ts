/** Settings survive the URL, and a mangled link opens a working page with the problems named. */
import { describe, expect, it } from 'vitest';
import { defaultSettings, settingsFromHash, settingsToHash, type Settings } from '../src/state.js';

describe('settings in the URL', () => {
  it('round-trip, the custom code included', () => {
    const s: Settings = { task: 'adding', cell: 'custom', hidden: 24, lr: 0.003, length: 120, code: 'export default (H: number) => ({ name: "x&y=#z" });\n' };
    expect(settingsFromHash(settingsToHash(s))).toEqual({ settings: s, problems: [] });
  });

  it('leave the template out of the link', () => {
    expect(settingsToHash(defaultSettings)).not.toContain('code=');
    expect(settingsFromHash(settingsToHash(defaultSettings)).settings).toEqual(defaultSettings);
  });

  it('replace values that are not allowed by the defaults, naming each', () => {
    const { settings, problems } = settingsFromHash('#task=translate&hidden=2.5&lr=-1&length=9999&cell=gru');
    expect(settings).toEqual({ ...defaultSettings, cell: 'gru' });
    expect(problems.map((p) => p.key)).toEqual(['task', 'hidden', 'lr', 'length']);
    expect(problems[0].message).toBe('task=translate is not one of sine, adding, charlm');
    expect(problems[1].message).toBe('hidden=2.5 must be an integer in [2, 64]');
  });
});
