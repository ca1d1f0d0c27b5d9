import { ValueError } from '@tapestry/core';
import { describe, expect, it } from 'vitest';
import { constantSchedule, cosineDecay, exponentialDecay, joinSchedules, linearWarmup, stepDecay, warmupCosineDecay } from '../src/index.js';

const at = (schedule: (step: number) => number, steps: number[]): number[] => steps.map(schedule);

describe('schedule values', () => {
  it('constantSchedule', () => {
    expect(at(constantSchedule(0.3), [0, 1, 1000])).toEqual([0.3, 0.3, 0.3]);
  });

  it('stepDecay multiplies by gamma every stepSize steps', () => {
    expect(at(stepDecay({ init: 1, stepSize: 3, gamma: 0.5 }), [0, 2, 3, 5, 6, 9])).toEqual([1, 1, 0.5, 0.5, 0.25, 0.125]);
  });

  it('exponentialDecay: smooth, staircase, delayed and floored', () => {
    expect(at(exponentialDecay({ init: 8, decayRate: 0.5, transitionSteps: 2 }), [0, 1, 2, 4])).toEqual([8, 8 * 0.5 ** 0.5, 4, 2]);
    expect(at(exponentialDecay({ init: 8, decayRate: 0.5, transitionSteps: 2, staircase: true }), [0, 1, 2, 3, 4])).toEqual([8, 8, 4, 4, 2]);
    expect(at(exponentialDecay({ init: 8, decayRate: 0.5, transitionBegin: 10 }), [0, 10, 11])).toEqual([8, 8, 4]);
    expect(at(exponentialDecay({ init: 8, decayRate: 0.5, endValue: 3 }), [0, 1, 2, 50])).toEqual([8, 4, 3, 3]);
    expect(at(exponentialDecay({ init: 1, decayRate: 2, endValue: 3 }), [0, 1, 2])).toEqual([1, 2, 3]);
  });

  it('cosineDecay goes from init through the midpoint to end and stays', () => {
    const s = cosineDecay({ init: 1, decaySteps: 10, end: 0.2 });
    expect(s(0)).toBe(1);
    expect(s(5)).toBeCloseTo(0.6, 15);
    expect(s(10)).toBeCloseTo(0.2, 15);
    expect(s(100)).toBe(s(10));
  });

  it('linearWarmup ramps from init to peak, then holds', () => {
    expect(at(linearWarmup({ peak: 1, warmupSteps: 4 }), [0, 1, 2, 4, 10])).toEqual([0, 0.25, 0.5, 1, 1]);
    expect(at(linearWarmup({ init: 0.5, peak: 1, warmupSteps: 0 }), [0, 3])).toEqual([1, 1]);
  });

  it('joinSchedules restarts each part at its own step 0', () => {
    const s = joinSchedules([constantSchedule(1), (k) => 10 + k, (k) => 100 + k], [2, 5]);
    expect(at(s, [0, 1, 2, 3, 4, 5, 6])).toEqual([1, 1, 10, 11, 12, 100, 101]);
  });

  it('warmupCosineDecay: warm-up, peak at warmupSteps, end at decaySteps', () => {
    const s = warmupCosineDecay({ peak: 1e-3, warmupSteps: 10, decaySteps: 110, end: 1e-5 });
    expect(s(0)).toBe(0);
    expect(s(5)).toBeCloseTo(5e-4, 18);
    expect(s(10)).toBe(1e-3);
    expect(s(60)).toBeCloseTo((1e-3 + 1e-5) / 2, 15);
    expect(s(110)).toBeCloseTo(1e-5, 18);
  });
});

describe('schedule arguments are validated', () => {
  const cases: [string, () => unknown, string][] = [
    ['stepDecay stepSize 0', () => stepDecay({ init: 1, stepSize: 0 }), 'stepDecay: stepSize must be a positive integer, got 0'],
    ['stepDecay NaN init', () => stepDecay({ init: Number.NaN, stepSize: 1 }), 'stepDecay: init must be a finite number, got NaN'],
    ['exponentialDecay negative rate', () => exponentialDecay({ init: 1, decayRate: -0.5 }), 'exponentialDecay: decayRate must be a finite non-negative number, got -0.5'],
    ['cosineDecay fractional steps', () => cosineDecay({ init: 1, decaySteps: 2.5 }), 'cosineDecay: decaySteps must be a positive integer, got 2.5'],
    ['linearWarmup negative steps', () => linearWarmup({ peak: 1, warmupSteps: -1 }), 'linearWarmup: warmupSteps must be a non-negative integer, got -1'],
    ['joinSchedules count', () => joinSchedules([constantSchedule(1)], [3]), 'joinSchedules: 1 schedules need 0 boundaries, got 1'],
    ['joinSchedules order', () => joinSchedules([constantSchedule(1), constantSchedule(2), constantSchedule(3)], [5, 5]), 'joinSchedules: boundaries must increase strictly'],
    ['warmupCosineDecay lengths', () => warmupCosineDecay({ peak: 1, warmupSteps: 10, decaySteps: 10 }), 'warmupCosineDecay: decaySteps must be an integer greater than warmupSteps (10), got 10'],
  ];
  for (const [name, make, message] of cases) {
    it(name, () => {
      expect(make).toThrow(ValueError);
      expect(make).toThrow(message);
    });
  }
});
