import { writeFileSync } from 'node:fs';
import { Profiler, Session } from 'node:inspector/promises';
import { relative } from 'node:path';

/**
 * A V8 CPU profile of this process over a chosen span (BENCH_CPU_PROFILE=1), summarised by package and
 * by function so the engine's own thread can be read without opening DevTools; the raw .cpuprofile is
 * written too (load it in Chrome DevTools → Performance, or speedscope).
 */
export class CpuProfile {
  private readonly session = new Session();

  async start(): Promise<void> {
    this.session.connect();
    await this.session.post('Profiler.enable');
    await this.session.post('Profiler.setSamplingInterval', { interval: 500 });
    await this.session.post('Profiler.start');
  }

  async stop(file: string): Promise<void> {
    const { profile } = await this.session.post('Profiler.stop');
    this.session.disconnect();
    writeFileSync(file, JSON.stringify(profile));
    summarise(profile, file);
  }
}

function packageOf(url: string): string {
  if (url === '') return '(native / V8)';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return 'node internals';
  const path = relative(process.cwd(), url.replace(/^file:\/\//, ''));
  const parts = path.split('/');
  if (parts[0] === 'apps' || parts[0] === 'libs') return `${parts[0]}/${parts[1]}`;
  return parts[0];
}

/** Nodes under the profiler's own start/stop calls: starting the profiler costs a few hundred ms. */
function ownNodes(profile: Profiler.Profile): Set<number> {
  const own = new Set<number>();
  const visit = (id: number, inside: boolean, byId: Map<number, Profiler.ProfileNode>) => {
    const node = byId.get(id)!;
    const mine = inside || node.callFrame.url.endsWith('bench/cpu-profile.ts');
    if (mine) own.add(id);
    for (const child of node.children ?? []) visit(child, mine, byId);
  };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  visit(profile.nodes[0].id, false, byId);
  return own;
}

function summarise(profile: Profiler.Profile, file: string): void {
  const own = ownNodes(profile);
  const sampleMs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    if (own.has(samples[i])) continue;
    sampleMs.set(samples[i], (sampleMs.get(samples[i]) ?? 0) + (deltas[i] ?? 0) / 1000);
  }
  const total = [...sampleMs.values()].reduce((a, b) => a + b, 0);
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const node of profile.nodes) {
    const ms = sampleMs.get(node.id) ?? 0;
    if (ms === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const special = /^\((idle|program|garbage collector|root)\)$/.test(functionName);
    const pkg = special ? functionName : packageOf(url);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + ms);
    const where = special
      ? ''
      : ` ${url === '' ? '' : `${relative(process.cwd(), url.replace(/^file:\/\//, ''))}:${lineNumber + 1}`}`;
    const name = `${functionName || '(anonymous)'}${where}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + ms);
  }
  const pct = (ms: number) => `${((100 * ms) / total).toFixed(1).padStart(5)} %`;
  console.log(
    `\nCPU profile of the bench process over the measured phase (${(total / 1000).toFixed(1)} s sampled), ${file}`,
  );
  console.log('  self time by package:');
  for (const [pkg, ms] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 14)) {
    console.log(`    ${pct(ms)}  ${pkg}`);
  }
  console.log('  hottest functions (self time):');
  for (const [name, ms] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 22)) {
    console.log(`    ${pct(ms)}  ${name}`);
  }
}
