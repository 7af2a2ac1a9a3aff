import { describe, expect, it } from 'vitest';
import { interleave, roundOrder } from '../src/measure/interleave.js';

describe('interleave', () => {
  it('alternates the arms round by round and drops the warm-up rounds', async () => {
    const calls: string[] = [];
    let value = 0;
    const arm = (name: string) => ({
      name,
      run: async () => {
        calls.push(name);
        return ++value;
      },
    });
    const samples = await interleave([arm('A'), arm('B')], { warmup: 1, rounds: 3 });
    expect(calls).toEqual(['A', 'B', 'B', 'A', 'A', 'B', 'B', 'A']);
    // Round 0 (values 1 and 2) was the warm-up.
    expect(samples).toEqual({ A: [4, 5, 8], B: [3, 6, 7] });
  });

  it('runs the pause between every measured call and none inside it', async () => {
    const events: string[] = [];
    await interleave(
      [
        {
          name: 'A',
          run: async () => {
            events.push('run');
            return 1;
          },
        },
      ],
      {
        warmup: 0,
        rounds: 2,
        between: async () => {
          events.push('pause');
        },
      },
    );
    expect(events).toEqual(['run', 'pause', 'run', 'pause']);
  });

  it('reverses the order on odd rounds without touching the list', () => {
    const arms = ['A', 'B', 'C'];
    expect(roundOrder(arms, 0)).toEqual(['A', 'B', 'C']);
    expect(roundOrder(arms, 1)).toEqual(['C', 'B', 'A']);
    expect(arms).toEqual(['A', 'B', 'C']);
  });
});
