/**
 * The CO-RE relocation decision (libbpf 1.1.2's `bpf_core_calc_relo_insn`
 * and `bpf_core_calc_relo`): the local spec against every candidate, the
 * values each kind produces, ambiguity, pruning of the candidate list and
 * the poison request when nothing matched.
 * @module
 */
import type { Btf } from '../btf.js';
import {
  type CoreSpec,
  ENUMVAL_BASED,
  FIELD_BASED,
  formatCoreSpec,
  KIND_STR,
  parseCoreSpec,
  RELO_KIND_STR,
  TYPE_BASED,
} from '../core-spec.js';
import { BtfErrorCode, isBtfError } from '../errors.js';
import {
  BTF_INT_SIGNED,
  BTF_KIND_ENUM,
  BTF_KIND_ENUM64,
  BTF_KIND_INT,
  BTF_KIND_PTR,
  intEncoding,
  memberBitfieldSize,
} from '../kinds.js';
import { typeQuery } from '../query.js';
import type { CoreCand } from './cands.js';
import { E2BIG, EINVAL, type MatchSpec, specMatch } from './match.js';

const EOPNOTSUPP = -95;
/** libbpf's -EUCLEAN: the internal request to poison the instruction. */
const EUCLEAN = -117;

/** What libbpf decides for one relocation (`struct bpf_core_relo_res`). */
export interface CoreReloRes {
  origVal: bigint;
  newVal: bigint;
  poison: boolean;
  validate: boolean;
  failMemszAdjust: boolean;
  origSize: number;
  origTypeId: number;
  newSize: number;
  newTypeId: number;
}

/** One CO-RE record (`struct bpf_core_relo`) with its access string resolved. */
export interface CoreReloRecord {
  insnOff: number;
  typeId: number;
  access: string;
  kind: number;
}

/** `bpf_core_calc_relo_insn`'s outcome: an errno (0 or negative), the result, the specs libbpf's scratch holds. */
export interface CoreCalc {
  err: number;
  res: CoreReloRes | null;
  /** The local spec (specs_scratch[0]) when the access string parsed. */
  local: CoreSpec | null;
  /** The matched target spec (specs_scratch[2]), when a candidate matched. */
  target: MatchSpec | null;
  /** The candidate that gave `target`. */
  targetCand: CoreCand | null;
}

function emptyRes(): CoreReloRes {
  return {
    origVal: 0n,
    newVal: 0n,
    poison: false,
    validate: true,
    failMemszAdjust: false,
    origSize: 0,
    origTypeId: 0,
    newSize: 0,
    newTypeId: 0,
  };
}

/** libbpf's `btf_int_encoding(t)`, which reads the word after the record header whatever the kind is. */
function wordAfterHeader(btf: Btf, id: number): number {
  const [words, off] = btf.recordOf(id);
  return words[off + 3] ?? 0;
}

interface FieldOut {
  val: bigint;
  size: number;
  typeId: number;
  validate: boolean;
}

/** `bpf_core_calc_field_relo`; returns an errno. */
function calcField(
  prog: string,
  relo: CoreReloRecord,
  spec: MatchSpec | null,
  out: FieldOut,
  setValidate: boolean,
  log: string[] | null,
): number {
  out.size = 0;
  if (relo.kind === 2) {
    out.val = spec ? 1n : 0n;
    return 0;
  }
  if (!spec) return EUCLEAN;
  const q = typeQuery(spec.btf);
  const acc = spec.accessors[spec.accessors.length - 1]!;
  if (acc.name === undefined) {
    if (relo.kind === 0) {
      out.val = BigInt(Math.floor((spec.bitOffset >>> 0) / 8));
      const sz = q.resolveSize(acc.typeId);
      if (sz < 0) return EINVAL;
      out.size = sz;
      out.typeId = acc.typeId;
    } else if (relo.kind === 1) {
      const sz = q.resolveSize(acc.typeId);
      if (sz < 0) return EINVAL;
      out.val = BigInt(sz);
    } else {
      log?.push(
        `libbpf: prog '${prog}': relo ${relo.kind} at insn #${Math.floor(relo.insnOff / 8)} can't be applied to array access`,
      );
      return EINVAL;
    }
    if (setValidate) out.validate = true;
    return 0;
  }
  const t = acc.typeId;
  const mWord = q.word(t, 3 + acc.idx * 3 + 2);
  const fieldTypeId = q.skipModsAndTypedefs(q.word(t, 3 + acc.idx * 3 + 1));
  const mk = q.kind(fieldTypeId);
  const bitOff = spec.bitOffset >>> 0;
  let bitSz = memberBitfieldSize(mWord, q.kflag(t));
  const bitfield = bitSz > 0;
  let byteSz: number;
  let byteOff: number;
  if (bitfield) {
    byteSz = fieldTypeId === 0 || fieldTypeId >= q.typeCount ? 0 : q.word(fieldTypeId, 2);
    if (byteSz === 0) {
      // libbpf divides by mt->size here: a bitfield of void or of a type of
      // size 0, or reads a type past the last (only malformed BTF has them),
      // is a SIGFPE or a wild read there, a failed relocation here
      log?.push(
        `libbpf: prog '${prog}': relo ${relo.kind} at insn #${Math.floor(relo.insnOff / 8)} can't be satisfied for bitfield of type [${fieldTypeId}] (no size)`,
      );
      return EINVAL;
    }
    byteOff = Math.floor(Math.floor(bitOff / 8) / byteSz) * byteSz;
    while (bitOff + bitSz - byteOff * 8 > byteSz * 8) {
      if (byteSz >= 8) {
        log?.push(
          `libbpf: prog '${prog}': relo ${relo.kind} at insn #${Math.floor(relo.insnOff / 8)} can't be satisfied for bitfield`,
        );
        return E2BIG;
      }
      byteSz *= 2;
      byteOff = Math.floor(Math.floor(bitOff / 8) / byteSz) * byteSz;
    }
  } else {
    const sz = q.resolveSize(fieldTypeId);
    if (sz < 0) return EINVAL;
    byteSz = sz;
    byteOff = Math.floor(bitOff / 8);
    bitSz = byteSz * 8;
  }
  if (setValidate) out.validate = !bitfield;
  switch (relo.kind) {
    case 0:
      out.val = BigInt(byteOff);
      if (!bitfield) {
        out.size = byteSz;
        out.typeId = fieldTypeId;
      }
      break;
    case 1:
      out.val = BigInt(byteSz);
      break;
    case 3: {
      const enumSigned = (mk === BTF_KIND_ENUM || mk === BTF_KIND_ENUM64) && q.kflag(fieldTypeId);
      out.val = enumSigned || intEncoding(wordAfterHeader(spec.btf, fieldTypeId)) & BTF_INT_SIGNED ? 1n : 0n;
      if (setValidate) out.validate = true;
      break;
    }
    case 4:
      out.val = BigInt.asUintN(64, BigInt(64 - (bitOff + bitSz - byteOff * 8)));
      break;
    case 5:
      out.val = BigInt.asUintN(64, BigInt(64 - bitSz));
      if (setValidate) out.validate = true;
      break;
    default:
      return EOPNOTSUPP;
  }
  return 0;
}

/** `bpf_core_calc_type_relo`. */
function calcType(
  kind: number,
  spec: MatchSpec | null,
  out: { val: bigint; validate: boolean },
  setValidate: boolean,
): number {
  if (setValidate) out.validate = true;
  if (!spec) {
    out.val = 0n;
    return 0;
  }
  switch (kind) {
    case 7:
      out.val = BigInt(spec.rootTypeId);
      if (setValidate) out.validate = false;
      return 0;
    case 8:
    case 12:
      out.val = 1n;
      return 0;
    case 9: {
      const sz = typeQuery(spec.btf).resolveSize(spec.rootTypeId);
      if (sz < 0) return EINVAL;
      out.val = BigInt(sz);
      return 0;
    }
    default:
      return EOPNOTSUPP;
  }
}

/** `bpf_core_calc_enumval_relo`. */
function calcEnumval(kind: number, spec: MatchSpec | null, out: { val: bigint }): number {
  if (kind === 10) {
    out.val = spec ? 1n : 0n;
    return 0;
  }
  if (kind !== 11) return EOPNOTSUPP;
  if (!spec) return EUCLEAN;
  const q = typeQuery(spec.btf);
  const a = spec.accessors[0]!;
  if (q.kind(a.typeId) === BTF_KIND_ENUM) out.val = BigInt.asUintN(64, BigInt(q.word(a.typeId, 3 + a.idx * 2 + 1) | 0));
  else out.val = (BigInt(q.word(a.typeId, 3 + a.idx * 3 + 2)) << 32n) | BigInt(q.word(a.typeId, 3 + a.idx * 3 + 1));
  return 0;
}

/** `bpf_core_calc_relo`: the result of one relocation against one target spec (or none). */
function calcRelo(
  prog: string,
  relo: CoreReloRecord,
  reloIdx: number,
  local: MatchSpec,
  targ: MatchSpec | null,
  res: CoreReloRes,
  log: string[] | null,
): number {
  Object.assign(res, emptyRes());
  let err = EOPNOTSUPP;
  if (FIELD_BASED.has(relo.kind)) {
    const o: FieldOut = { val: 0n, size: 0, typeId: 0, validate: true };
    err = calcField(prog, relo, local, o, true, log);
    res.origVal = o.val;
    res.origSize = o.size;
    res.origTypeId = o.typeId;
    res.validate = o.validate;
    if (err === 0) {
      const n: FieldOut = { val: 0n, size: 0, typeId: 0, validate: true };
      err = calcField(prog, relo, targ, n, false, log);
      res.newVal = n.val;
      res.newSize = n.size;
      res.newTypeId = n.typeId;
    }
    if (err === 0 && res.origSize !== res.newSize) {
      const lq = typeQuery(local.btf);
      const tq = typeQuery(targ!.btf);
      const ok_ = res.origTypeId === 0 ? 0 : lq.kind(res.origTypeId);
      const nk = res.newTypeId === 0 ? 0 : tq.kind(res.newTypeId);
      const ok =
        (ok_ === BTF_KIND_PTR && nk === BTF_KIND_PTR) ||
        (ok_ === BTF_KIND_INT &&
          nk === BTF_KIND_INT &&
          intEncoding(lq.word(res.origTypeId, 3)) !== BTF_INT_SIGNED &&
          intEncoding(tq.word(res.newTypeId, 3)) !== BTF_INT_SIGNED);
      if (!ok) res.failMemszAdjust = true;
    }
  } else if (TYPE_BASED.has(relo.kind)) {
    const o = { val: 0n, validate: true };
    err = calcType(relo.kind, local, o, true);
    res.origVal = o.val;
    res.validate = o.validate;
    if (err === 0) {
      const n = { val: 0n, validate: true };
      err = calcType(relo.kind, targ, n, false);
      res.newVal = n.val;
    }
  } else if (ENUMVAL_BASED.has(relo.kind)) {
    const o = { val: 0n };
    err = calcEnumval(relo.kind, local, o);
    res.origVal = o.val;
    if (err === 0) {
      const n = { val: 0n };
      err = calcEnumval(relo.kind, targ, n);
      res.newVal = n.val;
    }
  }
  if (err === EUCLEAN) {
    res.poison = true;
    err = 0;
  } else if (err === EOPNOTSUPP) {
    log?.push(
      `libbpf: prog '${prog}': relo #${reloIdx}: unrecognized CO-RE relocation ${RELO_KIND_STR[relo.kind] ?? 'unknown'} (${relo.kind}) at insn #${Math.floor(relo.insnOff / 8)}`,
    );
  }
  return err;
}

function errnoOf(e: unknown): number {
  if (isBtfError(e) && e.code === BtfErrorCode.TooBig) return E2BIG;
  return EINVAL;
}

/**
 * The local half of a relocation, the same against every target: the local
 * type's name and its spec (`bpf_core_parse_spec`), or libbpf's errno when
 * the access string does not parse.
 */
export interface LocalRelo {
  readonly name: string;
  readonly spec: CoreSpec | number;
  /** The spec with its BTF, as matching takes it (never written to). */
  readonly match: MatchSpec | null;
}

/** Returns the local half of `relo` in `localBtf` (see {@link LocalRelo}). */
export function parseLocalRelo(localBtf: Btf, relo: CoreReloRecord): LocalRelo {
  const name = localBtf.nameOf(relo.typeId);
  try {
    const spec = parseCoreSpec(localBtf, relo.typeId, relo.access, relo.kind);
    return { name, spec, match: { ...spec, btf: localBtf } };
  } catch (e) {
    return { name, spec: errnoOf(e), match: null };
  }
}

/**
 * `bpf_core_calc_relo_insn`: resolves `relo` of `localBtf` against `cands`,
 * pruning `cands` in place to the matching candidates as libbpf does (the
 * list is shared by every relocation of the same local type). `parsed` is
 * the local half when already parsed (it does not depend on the target).
 */
export function calcReloInsn(
  prog: string,
  relo: CoreReloRecord,
  reloIdx: number,
  localBtf: Btf,
  cands: CoreCand[],
  log: string[] | null,
  parsed: LocalRelo = parseLocalRelo(localBtf, relo),
): CoreCalc {
  const out: CoreCalc = { err: 0, res: null, local: null, target: null, targetCand: null };
  const localName = parsed.name;
  const local = parsed.spec;
  if (typeof local === 'number') {
    log?.push(
      `libbpf: prog '${prog}': relo #${reloIdx}: parsing [${relo.typeId}] ${KIND_STR[localBtf.kindOf(relo.typeId)]} ${localName === '' ? '<anon>' : localName} + ${relo.access} failed: ${local}`,
    );
    out.err = EINVAL;
    return out;
  }
  out.local = local;
  const lspec: MatchSpec = parsed.match!;
  log?.push(`libbpf: prog '${prog}': relo #${reloIdx}: ${local.text}`);
  if (relo.kind === 6) {
    out.res = { ...emptyRes(), validate: false, origVal: BigInt(relo.typeId), newVal: BigInt(relo.typeId) };
    return out;
  }
  if (localName === '') {
    log?.push(
      `libbpf: prog '${prog}': relo #${reloIdx}: <${RELO_KIND_STR[relo.kind] ?? 'unknown'}> (${relo.kind}) relocation doesn't support anonymous types`,
    );
    out.err = EOPNOTSUPP;
    return out;
  }
  const targRes = emptyRes();
  let targ: MatchSpec | null = null;
  let j = 0;
  for (let i = 0; i < cands.length; i++) {
    const c = cands[i]!;
    const cand: MatchSpec = {
      btf: c.part.btf,
      kind: relo.kind,
      rootTypeId: c.id,
      raw: [],
      accessors: [],
      bitOffset: 0,
    };
    const m = specMatch(lspec, c.part.btf, c.id, cand, log);
    const text = log ? formatCoreSpec(c.part.btf, cand) : '';
    if (m < 0) {
      log?.push(`libbpf: prog '${prog}': relo #${reloIdx}: error matching candidate #${i} ${text}: ${m}`);
      out.err = m;
      return out;
    }
    log?.push(
      `libbpf: prog '${prog}': relo #${reloIdx}: ${m === 0 ? 'non-matching' : 'matching'} candidate #${i} ${text}`,
    );
    if (m === 0) continue;
    const candRes = emptyRes();
    const err = calcRelo(prog, relo, reloIdx, lspec, cand, candRes, log);
    if (err) {
      out.err = err;
      return out;
    }
    if (j === 0) {
      Object.assign(targRes, candRes);
      targ = cand;
      out.targetCand = c;
    } else if (cand.bitOffset !== targ!.bitOffset) {
      log?.push(
        `libbpf: prog '${prog}': relo #${reloIdx}: field offset ambiguity: ${cand.bitOffset >>> 0} != ${targ!.bitOffset >>> 0}`,
      );
      out.err = EINVAL;
      return out;
    } else if (candRes.poison !== targRes.poison || candRes.newVal !== targRes.newVal) {
      log?.push(
        `libbpf: prog '${prog}': relo #${reloIdx}: relocation decision ambiguity: ${candRes.poison ? 'failure' : 'success'} ${candRes.newVal} != ${targRes.poison ? 'failure' : 'success'} ${targRes.newVal}`,
      );
      out.err = EINVAL;
      return out;
    }
    cands[j++] = c;
  }
  if (j > 0) cands.length = j;
  else {
    log?.push(`libbpf: prog '${prog}': relo #${reloIdx}: no matching targets found`);
    const err = calcRelo(prog, relo, reloIdx, lspec, null, targRes, log);
    if (err) {
      out.err = err;
      return out;
    }
  }
  out.res = targRes;
  out.target = targ;
  return out;
}
