/**
 * The running kernel as the oracle for `btfkit check`: `btfh kload-stream`
 * loads each raw BTF with BPF_BTF_LOAD (log_level 1) and prints the verdict
 * and the log. Needs the harness and permission to call bpf() (root here);
 * kernelSkipReason() says in one line why not.
 */
import { harnessPath, harnessSkipReason, runHarness } from './harness.js';

/** The kernel's answer for one input. */
export interface KernelVerdict {
  ok: boolean;
  /** Positive errno, 0 when ok. */
  errno: number;
  /** The last non-empty line of the log ('' when none). */
  lastLine: string;
  log: string;
}

let reason: string | undefined;

/** Returns '' when the kernel oracle is usable, else why not. */
export function kernelSkipReason(): string {
  reason ??= probeKernel();
  return reason;
}

/** Returns '' when a minimal BTF loads into the running kernel, else why not. */
function probeKernel(): string {
  if (process.env['BTFKIT_SKIP_KERNEL'] === '1') return 'kernel oracle disabled by BTFKIT_SKIP_KERNEL=1';
  if (harnessPath() === null) return harnessSkipReason();
  // a minimal valid BTF: [1] INT 'a' size=4 bits=32
  const probe = new Uint8Array([
    0x9f, 0xeb, 1, 0, 24, 0, 0, 0, 0, 0, 0, 0, 16, 0, 0, 0, 16, 0, 0, 0, 3, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 4, 0, 0, 0,
    32, 0, 0, 0, 0, 0x61, 0,
  ]);
  const [v] = kernelLoad([probe]);
  if (!v?.ok)
    return `kernel oracle: BPF_BTF_LOAD not permitted here (${v ? `errno ${v.errno}` : 'no answer'}; needs root or CAP_BPF)`;
  return '';
}

/** Loads every input into the kernel (one harness process) and returns the verdicts in order. */
export function kernelLoad(inputs: readonly Uint8Array[]): KernelVerdict[] {
  let n = 0;
  for (const b of inputs) n += 4 + b.length;
  const stdin = Buffer.alloc(n);
  let at = 0;
  for (const b of inputs) {
    stdin.writeUInt32LE(b.length, at);
    stdin.set(b, at + 4);
    at += 4 + b.length;
  }
  const r = runHarness(['kload-stream'], { input: stdin });
  if (r.status !== 0) throw new Error(`btfh kload-stream: ${r.stderr.trim()}`);
  const out = r.stdout;
  const verdicts: KernelVerdict[] = [];
  let p = 0;
  const line = (): string => {
    const e = out.indexOf(10, p);
    const s = out.subarray(p, e).toString('latin1');
    p = e + 1;
    return s;
  };
  while (p < out.length) {
    const head = line();
    const len = Number(line().slice(4));
    const log = out.subarray(p, p + len).toString('utf8');
    p += len + 1;
    const lines = log.split('\n').filter((l) => l.trim() !== '');
    const ok = head.startsWith('ok');
    verdicts.push({ ok, errno: ok ? 0 : Number(head.split(' ')[1]), lastLine: lines[lines.length - 1] ?? '', log });
  }
  return verdicts;
}
