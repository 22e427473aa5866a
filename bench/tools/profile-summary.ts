// A V8 CPU profile summarised by self time, per package/file and per function (the profiling tools).
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples?: number[];
  timeDeltas?: number[];
  startTime: number;
}

/** Self time per package/file and per function for the samples `keep` accepts (by sample time, microseconds). */
export function summarizeProfile(profile: CpuProfile, opts: { per?: { label: string; n: number }; keep?: (atUs: number) => boolean } = {}): string {
  const byId = new Map(profile.nodes.map((x) => [x.id, x]));
  const fn = new Map<string, number>();
  const pkg = new Map<string, number>();
  let clock = profile.startTime;
  let total = 0;
  (profile.samples ?? []).forEach((id, i) => {
    const dt = profile.timeDeltas?.[i] ?? 0;
    clock += dt;
    if (opts.keep && !opts.keep(clock)) return;
    total += dt;
    const cf = byId.get(id)!.callFrame;
    const where = cf.url.replace(/^file:\/\/.*?\/(?=(bench|server|db|activities|workflows|domain|whatsapp|tests)\/)/, '').replace(/.*node_modules\//, 'nm:');
    const k = `${cf.functionName || '(anon)'} ${where}:${cf.lineNumber + 1}`;
    fn.set(k, (fn.get(k) ?? 0) + dt);
    const p = where.startsWith('nm:') ? where.split('/').slice(0, where.startsWith('nm:@') ? 2 : 1).join('/') : where || cf.functionName;
    pkg.set(p, (pkg.get(p) ?? 0) + dt);
  });
  const per = opts.per;
  const top = (m: Map<string, number>, k: number) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, k)
      .map(([name, t]) => `${((100 * t) / total).toFixed(1).padStart(5)}%  ${per ? `${(t / 1000 / per.n).toFixed(3)} ms/${per.label}` : `${(t / 1000).toFixed(0).padStart(6)} ms`}  ${name}`)
      .join('\n');
  return `sampled ${(total / 1e6).toFixed(1)} s\n-- by package/file\n${top(pkg, 25)}\n-- by function\n${top(fn, 40)}`;
}
