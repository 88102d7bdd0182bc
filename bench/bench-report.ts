import { backendLabel } from './bench-backends';
import type { BenchReport, NetSummary } from './bench-runner';

/** The report as text: machine and versions, one table per net, then the step time by kernel. */
export function formatReport(report: BenchReport): string {
  const lines: string[] = [];
  const m = report.machine;
  lines.push(`CNN Studio training benchmark, ${report.date}`);
  lines.push(`Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB; Node ${m.node}; load average ${m.loadBefore.join(' ')} before, ${m.loadAfter.join(' ')} after`);
  lines.push(`Versions: ${Object.entries(report.versions).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  const s = report.settings;
  lines.push(`Batch ${s.batch}, ${s.optimizer}; ${s.steps} timed steps after ${s.warmup} warm-up steps; median of ${s.runs} run${s.runs === 1 ? '' : 's'}; data: ${s.data}`);
  lines.push(report.pytorch.found ? `PyTorch ${report.pytorch.version} (Python ${report.pytorch.python}), torch.set_num_threads(1) and (2), synthetic tensors` : `PyTorch was not found: ${report.pytorch.reason}`);
  for (const net of report.nets) lines.push('', ...netTable(net));
  lines.push('', 'Step time by kernel (one profiled step of the median run; % of the step):');
  for (const net of report.nets) {
    for (const b of net.backends) {
      const k = b.representative.kernels;
      const parts = k.top.slice(0, 8).map((t) => `${t.name} ${t.ms.toFixed(1)} (${Math.round(t.share * 100)}%)`);
      lines.push(`  ${net.label}, ${backendLabel(b.run)}: step ${k.stepMs.toFixed(1)} ms = ${parts.join(', ')}, other kernels ${k.otherMs.toFixed(1)}, outside kernels ${k.unattributedMs.toFixed(1)}`);
      const t = b.representative.replicaTimings;
      if (t) lines.push(`    main thread: own shard ${t.shardMs.toFixed(1)} ms, waiting for replicas ${t.waitMs.toFixed(1)}, exchange ${t.exchangeMs.toFixed(1)}, optimizer ${t.updateMs.toFixed(1)}`);
    }
  }
  const data = report.nets.flatMap((n) => n.backends).find((b) => b.representative.data)?.representative.data;
  if (data) lines.push('', `Data: ${data.description}.`);
  return lines.join('\n');
}

function pad(text: string, width: number, right = false): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

const count = (n: number) => Math.round(n).toLocaleString('en-US');
const ratio = (n: number, d: number | undefined) => (d ? `${(n / d).toFixed(2)}x` : '–');

function netTable(net: NetSummary): string[] {
  const torch1 = net.torch.find((t) => t.threads === 1);
  const torch2 = net.torch.find((t) => t.threads === 2);
  const rows: string[][] = [['', 'train img/s', 'vs torch 1T', 'vs torch 2T', 'infer img/s', 'vs torch 1T', 'data wait']];
  for (const t of net.torch) {
    rows.push([`PyTorch, ${t.threads} thread${t.threads === 1 ? '' : 's'}`, count(t.trainImagesPerSecond), ratio(t.trainImagesPerSecond, torch1?.trainImagesPerSecond), ratio(t.trainImagesPerSecond, torch2?.trainImagesPerSecond), count(t.inferImagesPerSecond), ratio(t.inferImagesPerSecond, torch1?.inferImagesPerSecond), '–']);
  }
  for (const b of net.backends) {
    rows.push([
      backendLabel(b.run),
      count(b.trainImagesPerSecond),
      ratio(b.trainImagesPerSecond, torch1?.trainImagesPerSecond),
      ratio(b.trainImagesPerSecond, torch2?.trainImagesPerSecond),
      count(b.inferImagesPerSecond),
      ratio(b.inferImagesPerSecond, torch1?.inferImagesPerSecond),
      `${(b.waitFraction * 100).toFixed(1)}%`,
    ]);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const out = [`${net.label}, batch 64, Adam`];
  for (const r of rows) out.push(`  ${r.map((cell, c) => pad(cell, widths[c]!, c > 0)).join('  ')}`);
  for (const f of net.failures) out.push(`  ${f.backend}${f.threads > 1 ? ` (${f.threads})` : ''} failed: ${f.error}`);
  return out;
}
