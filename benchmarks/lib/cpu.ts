/**
 * CPU accounting from /proc: the server, the proxy, this process, the command lines it starts, and
 * everything else on the machine (other work disturbs a run).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU seconds of a process (own, and of its waited-for children), from /proc. */
export function procCpu(pid: number | 'self'): { own: number; children: number } {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state): utime is field 14, stime 15, cutime 16, cstime 17.
    const ticks = (i: number) => Number(fields[i - 3]);
    return { own: (ticks(14) + ticks(15)) / CLOCK_TICKS, children: (ticks(16) + ticks(17)) / CLOCK_TICKS };
  } catch {
    return { own: NaN, children: NaN };
  }
}

/** Busy and stolen CPU seconds of the whole machine (all cores), from /proc/stat. */
export function machineCpu(): { busy: number; steal: number } {
  try {
    const [, ...ticks] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
    // user nice system idle iowait irq softirq steal (guest time is already in user).
    const [user, nice, system, , , irq, softirq, steal] = ticks;
    return { busy: (user + nice + system + irq + softirq) / CLOCK_TICKS, steal: steal / CLOCK_TICKS };
  } catch {
    return { busy: NaN, steal: NaN };
  }
}

export interface CpuSnapshot {
  readonly server: number;
  readonly proxy: number;
  readonly benchmark: number;
  readonly children: number;
  /** CPU of every other process on the machine (other work disturbs the run). */
  readonly other: number;
  /** CPU stolen by the hypervisor. */
  readonly steal: number;
}

export function cpuDifference(before: CpuSnapshot, after: CpuSnapshot): CpuSnapshot {
  const server = after.server - before.server;
  const proxy = after.proxy - before.proxy;
  const benchmark = after.benchmark - before.benchmark;
  const children = after.children - before.children;
  return {
    server,
    proxy,
    benchmark,
    children,
    other: Math.max(0, after.other - before.other - server - proxy - benchmark - children),
    steal: after.steal - before.steal,
  };
}
