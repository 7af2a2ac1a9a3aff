/** One side of a comparison: `run` performs one measured round and returns its figure (ms, ops/s...). */
export interface Arm {
  name: string;
  run(): Promise<number>;
}

export interface InterleaveOptions {
  /** Rounds run first and thrown away: JIT, connection pools and caches warm up on them. */
  warmup: number;
  rounds: number;
  /** Called between rounds (e.g. to let sockets close); not timed. */
  between?: () => Promise<void>;
}

/**
 * Runs the arms in turn, A B A B ..., so that drift in the machine's speed (other processes, thermal
 * limits, GC debt) falls on every arm alike. The order within a round alternates (A B, B A, ...) so no
 * arm always runs right after another one's garbage.
 */
export async function interleave(
  arms: readonly Arm[],
  options: InterleaveOptions,
): Promise<Record<string, number[]>> {
  const samples: Record<string, number[]> = Object.fromEntries(arms.map((arm) => [arm.name, []]));
  const total = options.warmup + options.rounds;
  for (let round = 0; round < total; round++) {
    for (const arm of roundOrder(arms, round)) {
      const value = await arm.run();
      if (round >= options.warmup) samples[arm.name]?.push(value);
      await options.between?.();
    }
  }
  return samples;
}

/** Even rounds run the arms in the given order, odd rounds in reverse. */
export function roundOrder<T>(arms: readonly T[], round: number): T[] {
  return round % 2 === 0 ? [...arms] : [...arms].reverse();
}
