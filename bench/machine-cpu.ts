import { readdirSync, readFileSync } from 'node:fs';

/**
 * Where the machine's CPU went during a measurement (Linux /proc; empty elsewhere): the sender, its
 * receiver, PostgreSQL and the Kafka broker share the same cores in the delivery bench, so a rate
 * is only understood next to this.
 */
export interface MachineCpuSnapshot {
  /** Clock ticks (10 ms) per process, by pid:name. */
  processes: Map<string, number>;
  busy: number;
  total: number;
}

const TICKS_PER_SECOND = 100;

/** utime + stime in clock ticks from a /proc stat line (fields 14 and 15 of proc(5)). */
export function ticksOf(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // after "pid (comm) "
  return Number(fields[11]) + Number(fields[12]);
}

export interface ProcessCpu {
  pid: number;
  /** The command name (`comm`), at most 15 characters. */
  comm: string;
  ticks: number;
}

/** Every process's CPU so far (Linux; empty elsewhere). */
export function processCpu(): ProcessCpu[] {
  const processes: ProcessCpu[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return processes; // not Linux
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      processes.push({
        pid: Number(entry),
        comm: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
        ticks: ticksOf(stat),
      });
    } catch {
      // the process ended meanwhile
    }
  }
  return processes;
}

export function snapshotMachineCpu(): MachineCpuSnapshot {
  const processes = new Map(processCpu().map((p) => [`${p.pid}:${p.comm}`, p.ticks]));
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const total = cpu.reduce((a, b) => a + b, 0);
    return { processes, busy: total - cpu[3] - cpu[4], total }; // less idle and iowait
  } catch {
    return { processes, busy: 0, total: 0 }; // not Linux
  }
}

/** CPU seconds per process name between two snapshots (largest first), and how busy the machine was. */
export function machineCpuBetween(
  before: MachineCpuSnapshot,
  after: MachineCpuSnapshot,
  name: (pid: number, comm: string) => string = (_pid, comm) => comm,
): { busyPercent: number; seconds: [string, number][] } {
  const byName = new Map<string, number>();
  for (const [key, ticks] of after.processes) {
    const used = ticks - (before.processes.get(key) ?? 0);
    if (used <= 0) continue;
    const [pid, comm] = [Number(key.slice(0, key.indexOf(':'))), key.slice(key.indexOf(':') + 1)];
    const label = name(pid, comm);
    byName.set(label, (byName.get(label) ?? 0) + used / TICKS_PER_SECOND);
  }
  const span = after.total - before.total;
  return {
    busyPercent: span > 0 ? (100 * (after.busy - before.busy)) / span : 0,
    seconds: [...byName].sort((a, b) => b[1] - a[1]),
  };
}
