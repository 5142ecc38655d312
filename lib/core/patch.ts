/**
 * CO-RE instruction patching (libbpf 1.1.2's `bpf_core_patch_insn`): the
 * immediate of an ALU instruction, the offset (and memory size) of a
 * LDX/ST/STX, the 64-bit immediate of an `ld_imm64`, or the poison call
 * (helper 0xbad2310) in place of an instruction whose relocation failed
 * softly. Works on little-endian instruction bytes, in place.
 * @module
 */
import type { CoreReloRes } from './calc.js';

const EINVAL = -22;
const ERANGE = -34;
const POISON_IMM = 195896080;

const BPF_LD = 0x00;
const BPF_LDX = 0x01;
const BPF_ST = 0x02;
const BPF_STX = 0x03;
const BPF_ALU = 0x04;
const BPF_ALU64 = 0x07;

function isLdImm64(b: Uint8Array, at: number): boolean {
  return b[at] === 0x18;
}

function poisonAt(
  b: Uint8Array,
  at: number,
  prog: string,
  reloIdx: number,
  insnIdx: number,
  log: string[] | null,
): void {
  log?.push(`libbpf: prog '${prog}': relo #${reloIdx}: substituting insn #${insnIdx} w/ invalid insn`);
  const dv = new DataView(b.buffer, b.byteOffset + at, 8);
  b[at] = 0x85; // BPF_JMP | BPF_CALL
  b[at + 1] = 0;
  dv.setInt16(2, 0, true);
  dv.setInt32(4, POISON_IMM, true);
}

/** `insn_bpf_size_to_bytes` of the BPF_SIZE bits (W 0x00, H 0x08, B 0x10, DW 0x18). */
const SIZE_BYTES: readonly number[] = [4, 2, 1, 8];
const BYTES_SIZE: Record<number, number> = { 1: 0x10, 2: 0x08, 4: 0x00, 8: 0x18 };

/**
 * `bpf_core_patch_insn` on the instruction at byte `at` of `insns`
 * (instruction index `insnIdx`); returns 0 or a negative errno, and logs
 * what libbpf logs.
 */
export function patchInsn(
  prog: string,
  insns: Uint8Array,
  at: number,
  insnIdx: number,
  reloIdx: number,
  res: CoreReloRes,
  log: string[] | null,
): number {
  const dv = new DataView(insns.buffer, insns.byteOffset, insns.byteLength);
  const code = insns[at]!;
  const cls = code & 0x07;
  const poison = (): number => {
    if (isLdImm64(insns, at) && at + 16 <= insns.length) poisonAt(insns, at + 8, prog, reloIdx, insnIdx + 1, log);
    poisonAt(insns, at, prog, reloIdx, insnIdx, log);
    return 0;
  };
  if (res.poison) return poison();
  const orig = res.origVal;
  const nv = res.newVal;
  const p = `libbpf: prog '${prog}': relo #${reloIdx}:`;
  switch (cls) {
    case BPF_ALU:
    case BPF_ALU64: {
      if ((code & 0x08) !== 0) return EINVAL;
      const imm = dv.getInt32(at + 4, true);
      if (res.validate && BigInt.asUintN(64, BigInt(imm)) !== orig) {
        log?.push(`${p} unexpected insn #${insnIdx} (ALU/ALU64) value: got ${imm >>> 0}, exp ${orig} -> ${nv}`);
        return EINVAL;
      }
      dv.setInt32(at + 4, Number(BigInt.asIntN(32, nv)), true);
      log?.push(`${p} patched insn #${insnIdx} (ALU/ALU64) imm ${BigInt.asUintN(64, BigInt(imm))} -> ${nv}`);
      return 0;
    }
    case BPF_LDX:
    case BPF_ST:
    case BPF_STX: {
      const off = dv.getInt16(at + 2, true);
      if (res.validate && BigInt.asUintN(64, BigInt(off)) !== orig) {
        log?.push(`${p} unexpected insn #${insnIdx} (LDX/ST/STX) value: got ${off >>> 0}, exp ${orig} -> ${nv}`);
        return EINVAL;
      }
      if (nv > 32767n) {
        log?.push(`${p} insn #${insnIdx} (LDX/ST/STX) value too big: ${nv}`);
        return ERANGE;
      }
      if (res.failMemszAdjust) {
        log?.push(
          `${p} insn #${insnIdx} (LDX/ST/STX) accesses field incorrectly. Make sure you are accessing pointers, unsigned integers, or fields of matching type and size.`,
        );
        return poison();
      }
      dv.setInt16(at + 2, Number(BigInt.asIntN(16, nv)), true);
      log?.push(`${p} patched insn #${insnIdx} (LDX/ST/STX) off ${BigInt.asUintN(64, BigInt(off))} -> ${nv}`);
      if (res.newSize !== res.origSize) {
        const bytes = SIZE_BYTES[(code & 0x18) >> 3]!;
        if (bytes !== res.origSize) {
          log?.push(`${p} insn #${insnIdx} (LDX/ST/STX) unexpected mem size: got ${bytes}, exp ${res.origSize}`);
          return EINVAL;
        }
        const sz = BYTES_SIZE[res.newSize];
        if (sz === undefined) {
          log?.push(`${p} insn #${insnIdx} (LDX/ST/STX) invalid new mem size: ${res.newSize}`);
          return EINVAL;
        }
        insns[at] = (code & 0xe0) | sz | cls;
        log?.push(`${p} patched insn #${insnIdx} (LDX/ST/STX) mem_sz ${res.origSize} -> ${res.newSize}`);
      }
      return 0;
    }
    case BPF_LD: {
      const ok =
        isLdImm64(insns, at) &&
        at + 16 <= insns.length &&
        insns[at + 1]! >> 4 === 0 &&
        dv.getInt16(at + 2, true) === 0 &&
        insns[at + 8] === 0 &&
        insns[at + 9] === 0 &&
        dv.getInt16(at + 10, true) === 0;
      if (!ok) {
        log?.push(`${p} insn #${insnIdx} (LDIMM64) has unexpected form`);
        return EINVAL;
      }
      const imm = (BigInt(dv.getUint32(at + 12, true)) << 32n) | BigInt(dv.getUint32(at + 4, true));
      if (res.validate && imm !== orig) {
        log?.push(`${p} unexpected insn #${insnIdx} (LDIMM64) value: got ${imm}, exp ${orig} -> ${nv}`);
        return EINVAL;
      }
      dv.setUint32(at + 4, Number(BigInt.asUintN(32, nv)), true);
      dv.setUint32(at + 12, Number(BigInt.asUintN(32, nv >> 32n)), true);
      log?.push(`${p} patched insn #${insnIdx} (LDIMM64) imm64 ${imm} -> ${nv}`);
      return 0;
    }
    default:
      log?.push(
        `${p} trying to relocate unrecognized insn #${insnIdx}, code:0x${code.toString(16)}, src:0x${(insns[at + 1]! >> 4).toString(16)}, dst:0x${(insns[at + 1]! & 15).toString(16)}, off:0x${(dv.getInt16(at + 2, true) >>> 0).toString(16)}, imm:0x${(dv.getInt32(at + 4, true) >>> 0).toString(16)}`,
      );
      return EINVAL;
  }
}
