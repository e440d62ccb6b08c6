/**
 * PyTorch as a baseline (bench/mlp, bench/lenet): Debian's python3-torch (float64, one thread) run
 * in a child process on the same numbers, in the same run. Without python3 or torch the
 * benchmarks say so and report no PyTorch ratio.
 */
import { spawnSync } from 'node:child_process';

/** The first python3 that imports torch ($PYTHON if set, else python3, then /usr/bin/python3), or why there is none. */
export function findTorchPython(): { python: string } | { missing: string } {
  const candidates = process.env.PYTHON ? [process.env.PYTHON] : ['python3', '/usr/bin/python3'];
  for (const python of candidates) {
    if (spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0) return { python };
  }
  return { missing: `no python3 with torch (tried ${candidates.join(', ')}; Debian: apt-get install python3-torch)` };
}

/**
 * A python script that reads one JSON object on stdin and writes one on stdout, run to its end.
 * With -B: the scripts import bench/torch_timing.py, and no __pycache__ should appear in bench/.
 */
export function runTorchScript<T>(python: string, script: string, input: object): T {
  const out = spawnSync(python, ['-B', script], { input: JSON.stringify(input), maxBuffer: 1 << 28, encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`${script} failed (${out.status}): ${out.stderr}`);
  return JSON.parse(out.stdout) as T;
}
