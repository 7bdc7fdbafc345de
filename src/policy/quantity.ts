/**
 * Kubernetes resource quantities, only the forms the kit accepts for CPU and memory.
 * CPU: "2", "0.5", "500m". Memory: "512Mi", "2Gi", "1G", "1000000".
 */
const CPU_PATTERN = /^(\d+(\.\d+)?)(m?)$/;
/**
 * A CPU quantity: cores (`"2"`, `"0.5"`) or millicores (`"500m"`), above zero.
 * @pattern ^(?=[0-9.]*[1-9])[0-9]+(\.[0-9]+)?m?$
 * @mismatch is not a CPU quantity above zero (cores such as "2" or "0.5", or millicores such as "500m")
 * @example "500m"
 */
export type CpuQuantity = string;
/**
 * A memory quantity above zero: bytes, or with a suffix Ki, Mi, Gi, Ti (powers of 1024) or K, M, G, T.
 * @pattern ^(?=[0-9.]*[1-9])[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|K|M|G|T)?$
 * @mismatch is not a memory quantity above zero (such as "512Mi" or "2Gi")
 * @example "512Mi"
 */
export type MemoryQuantity = string;
const MEMORY_PATTERN = /^(\d+(\.\d+)?)(Ki|Mi|Gi|Ti|K|M|G|T)?$/;
const MEMORY_FACTORS: Readonly<Record<string, number>> = {
  '': 1, 'K': 1e3, 'M': 1e6, 'G': 1e9, 'T': 1e12,
  'Ki': 1024, 'Mi': 1024 ** 2, 'Gi': 1024 ** 3, 'Ti': 1024 ** 4,
};

/** Millicores of a CPU quantity, or undefined if it is not one. */
export function parseCpu(value: string): number | undefined {
  const m = CPU_PATTERN.exec(value);
  if (!m) return undefined;
  const n = Number(m[1]);
  return m[3] === 'm' ? n : n * 1000;
}

/** Bytes of a memory quantity, or undefined if it is not one. */
export function parseMemory(value: string): number | undefined {
  const m = MEMORY_PATTERN.exec(value);
  if (!m) return undefined;
  return Number(m[1]) * MEMORY_FACTORS[m[3] ?? ''];
}

/** Mebibytes, rounded down, as ECS wants them. */
export function memoryMiB(value: string): number {
  const bytes = parseMemory(value);
  if (bytes === undefined) throw new Error(`not a memory quantity: ${value}`);
  return Math.floor(bytes / 1024 ** 2);
}

/** Compare "1.33"-style versions (major.minor[.patch]); negative when a < b. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
