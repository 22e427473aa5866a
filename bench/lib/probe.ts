// What the machine did during a timed run: CPU of this Node process (all its threads: app, Temporal
// client, activities, workflow threads, load generator), of the Temporal dev server, of the whole
// machine, and the main thread's event-loop delay. Linux /proc; elsewhere the CPU figures are null.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { round } from './stats.js';

let clkTck: number | undefined;
function ticksPerSecond(): number {
  if (clkTck === undefined) {
    const r = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8', timeout: 2000 });
    clkTck = Number(r.stdout?.trim()) || 100;
  }
  return clkTck;
}

function processTicks(pid: number): number | null {
  try {
    // Fields after the `(comm)`; utime and stime are fields 14 and 15 of the whole line.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(rest[11]) + Number(rest[12]);
  } catch {
    return null;
  }
}

function machineTicks(): { busy: number; total: number } | null {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const idle = (cpu[3] ?? 0) + (cpu[4] ?? 0);
    const total = cpu.slice(0, 8).reduce((s, x) => s + x, 0);
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}

export interface ProbeFigures {
  /** Percent of one core. */
  node_cpu_pct: number | null;
  temporal_cpu_pct: number | null;
  /** Percent of all cores. */
  machine_busy_pct: number | null;
  cores: number;
  loop_delay_p99_ms: number;
  loop_delay_max_ms: number;
  /** Other processes watched (the dev process, its worker), percent of one core each. */
  processes_cpu_pct?: Record<string, number | null>;
}

export function startProbe(temporalPid?: number, others: Record<string, number | undefined> = {}): () => ProbeFigures {
  ticksPerSecond();
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const t0 = performance.now();
  const node0 = process.cpuUsage();
  const temporal0 = temporalPid ? processTicks(temporalPid) : null;
  const machine0 = machineTicks();
  const others0 = Object.fromEntries(Object.entries(others).map(([k, pid]) => [k, pid ? processTicks(pid) : null]));
  return () => {
    loop.disable();
    const wallS = (performance.now() - t0) / 1000;
    const node = process.cpuUsage(node0);
    const temporal1 = temporalPid ? processTicks(temporalPid) : null;
    const machine1 = machineTicks();
    return {
      node_cpu_pct: round(((node.user + node.system) / 1e6 / wallS) * 100, 0),
      temporal_cpu_pct:
        temporal0 !== null && temporal1 !== null ? round(((temporal1 - temporal0) / ticksPerSecond() / wallS) * 100, 0) : null,
      machine_busy_pct:
        machine0 && machine1 && machine1.total > machine0.total
          ? round(((machine1.busy - machine0.busy) / (machine1.total - machine0.total)) * 100, 0)
          : null,
      cores: os.cpus().length,
      loop_delay_p99_ms: round(loop.percentile(99) / 1e6, 1),
      loop_delay_max_ms: round(loop.max / 1e6, 1),
      ...(Object.keys(others).length > 0
        ? {
            processes_cpu_pct: Object.fromEntries(
              Object.entries(others).map(([k, pid]) => {
                const t0 = others0[k];
                const t1 = pid ? processTicks(pid) : null;
                return [k, t0 != null && t1 !== null ? round(((t1 - t0) / ticksPerSecond() / wallS) * 100, 0) : null];
              }),
            ),
          }
        : {}),
    };
  };
}

export function describeProbe(p: ProbeFigures): string {
  const cpu = [
    p.node_cpu_pct !== null ? `${p.processes_cpu_pct ? 'bench' : 'node'} ${p.node_cpu_pct}%` : null,
    p.temporal_cpu_pct !== null ? `temporal ${p.temporal_cpu_pct}%` : null,
    ...Object.entries(p.processes_cpu_pct ?? {}).map(([k, v]) => (v !== null ? `${k} ${v}%` : null)),
    p.machine_busy_pct !== null ? `machine ${p.machine_busy_pct}% of ${p.cores} cores` : null,
  ].filter(Boolean);
  return `${cpu.length ? `CPU ${cpu.join(', ')}; ` : ''}main loop delay p99 ${p.loop_delay_p99_ms} ms, max ${p.loop_delay_max_ms} ms`;
}
