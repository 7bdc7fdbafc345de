/**
 * Fargate task sizes (Linux): the CPU and memory pairs Fargate offers. A task definition with
 * any other pair is rejected by RegisterTaskDefinition, so the kit checks them at synth.
 * Source: Amazon ECS Developer Guide, "Task CPU and memory" (Fargate), platform version 1.4.0.
 */

/** Memory choices for one Fargate CPU size, in MiB. */
export interface FargateMemoryRange {
  /** Task CPU units (1024 = 1 vCPU). */
  readonly cpu: number;
  /** Memory values offered, ascending. */
  readonly memoryMiB: readonly number[];
}

function steps(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let v = from; v <= to; v += step) out.push(v);
  return out;
}

/** Every CPU size with its memory values. */
export const FARGATE_TASK_SIZES: readonly FargateMemoryRange[] = [
  { cpu: 256, memoryMiB: [512, 1024, 2048] },
  { cpu: 512, memoryMiB: steps(1024, 4096, 1024) },
  { cpu: 1024, memoryMiB: steps(2048, 8192, 1024) },
  { cpu: 2048, memoryMiB: steps(4096, 16384, 1024) },
  { cpu: 4096, memoryMiB: steps(8192, 30720, 1024) },
  { cpu: 8192, memoryMiB: steps(16384, 61440, 4096) },
  { cpu: 16384, memoryMiB: steps(32768, 122880, 8192) },
];

/** A task size. */
export interface FargateTaskSize {
  /**
   * CPU units (1024 per vCPU).
   * @asType integer
   * @example 2048
   */
  readonly cpu: number;
  /**
   * Memory in MiB.
   * @asType integer
   * @example 4096
   */
  readonly memoryMiB: number;
}

/** Why a pair is not offered, or undefined when it is. */
export function fargatePairProblem(size: FargateTaskSize): string | undefined {
  const row = FARGATE_TASK_SIZES.find((r) => r.cpu === size.cpu);
  if (!row) {
    return `Fargate offers no task CPU of ${size.cpu} units; it offers ${FARGATE_TASK_SIZES.map((r) => r.cpu).join(', ')}`;
  }
  if (!row.memoryMiB.includes(size.memoryMiB)) {
    return `Fargate does not offer ${size.memoryMiB} MiB with ${size.cpu} CPU units; with ${size.cpu} it offers ${describeMemory(row)}`;
  }
  return undefined;
}

/** "4096 to 16384 MiB in steps of 1024" or an explicit list. */
export function describeMemory(row: FargateMemoryRange): string {
  const m = row.memoryMiB;
  if (m.length > 3) return `${m[0]} to ${m[m.length - 1]} MiB in steps of ${m[1] - m[0]}`;
  return `${m.join(', ')} MiB`;
}

/**
 * The smallest offered size that holds `cpu` units and `memoryMiB` (the containers' limits), or
 * undefined when even the largest does not.
 */
export function smallestFargateSize(cpu: number, memoryMiB: number): FargateTaskSize | undefined {
  for (const row of FARGATE_TASK_SIZES) {
    if (row.cpu < cpu) continue;
    const mem = row.memoryMiB.find((m) => m >= memoryMiB);
    if (mem !== undefined) return { cpu: row.cpu, memoryMiB: mem };
  }
  return undefined;
}
