/**
 * Random builder scripts: a seed draws a BTF of every kind (ints, floats,
 * pointers, arrays, structs and unions with bitfields and anonymous members,
 * enums, enum64s, forward declarations, typedefs, modifiers, type tags,
 * prototypes with named parameters shared by several declarations,
 * functions, variables, a datasec, decl tags), built through the public
 * builder. References point to earlier types, or to later structs through
 * pointers (cycles as C has them), so that every tool can print the result.
 * Layouts are what a compiler would make (natural alignment), so that the
 * C headers bpftool and btfkit print are comparable byte for byte.
 */
import { Btf } from '../../lib/btf.js';
import {
  BTF_FUNC_GLOBAL,
  BTF_FUNC_STATIC,
  BTF_FWD_STRUCT,
  BTF_FWD_UNION,
  BTF_INT_BOOL,
  BTF_INT_CHAR,
  BTF_INT_SIGNED,
  BTF_VAR_GLOBAL_ALLOCATED,
  BTF_VAR_STATIC,
} from '../../lib/kinds.js';
import { rng } from './gen.js';

/** A type made so far, with what a member of that type needs. */
interface Made {
  id: number;
  size: number;
  align: number;
  /** Usable by value in a struct (complete, not void, not a prototype). */
  value: boolean;
  /** An integer type a bitfield can have. */
  int: boolean;
}

/** Returns a random BTF for `seed` with about `n` types (every kind). */
export function randomBtf(seed: number, n = 40): Btf {
  const r = rng(seed);
  const pick = (k: number): number => r() % k;
  const b = Btf.empty();
  const made: Made[] = [];
  const names = ['a', 'b', 'c', 'x', 'y', 'val', 'next', 'cb', 'ops', 'data'];
  const name = (): string => `${names[pick(names.length)]}${pick(3) === 0 ? '' : pick(4)}`;
  const add = (m: Made): number => {
    made.push(m);
    return m.id;
  };
  const any = (): Made => made[pick(made.length)]!;
  const value = (): Made | undefined => {
    for (let i = 0; i < 8; i++) {
      const m = any();
      if (m.value) return m;
    }
    return made.find((m) => m.value);
  };
  const ints: [string, number, number][] = [
    ['int', 4, BTF_INT_SIGNED],
    ['unsigned int', 4, 0],
    ['char', 1, BTF_INT_CHAR | BTF_INT_SIGNED],
    ['long', 8, BTF_INT_SIGNED],
    ['unsigned short', 2, 0],
    ['_Bool', 1, BTF_INT_BOOL],
  ];
  for (const [nm, sz, enc] of ints.slice(0, 2 + pick(ints.length - 1)))
    add({ id: b.addInt(nm, sz, enc), size: sz, align: sz, value: true, int: true });
  // A prototype with a named parameter, used by several declarations (the
  // declaration cache once took the parameter's name for the declared one).
  const proto = (): number => {
    const ret = pick(4) === 0 ? 0 : value()!.id;
    const params: [string | null, number][] = [];
    const np = pick(4);
    for (let i = 0; i < np; i++) params.push([pick(3) === 0 ? null : name(), value()!.id]);
    const id = b.addFuncProto(ret);
    for (const [pn, pt] of params) b.addFuncParam(pn, pt);
    if (np > 0 && pick(5) === 0) b.addFuncParam(null, 0); // ...
    add({ id, size: 0, align: 1, value: false, int: false });
    return id;
  };
  const later: number[] = []; // pointers to structs defined later: [ptr id]
  const structs: number[] = [];
  let sn = 0;
  for (let i = 0; i < n; i++) {
    switch (pick(16)) {
      case 0:
        add({
          id: b.addFloat(pick(2) ? 'double' : 'float', pick(2) ? 8 : 4),
          size: 8,
          align: 8,
          value: false,
          int: false,
        });
        made[made.length - 1]!.size = 0;
        break;
      case 1:
      case 2: {
        const t = pick(6) === 0 ? 0 : any().id;
        add({ id: b.addPtr(t), size: 8, align: 8, value: true, int: false });
        break;
      }
      case 3: {
        const e = value()!;
        const nel = pick(5);
        add({ id: b.addArray(made[0]!.id, e.id, nel), size: e.size * nel, align: e.align, value: true, int: false });
        break;
      }
      case 4:
      case 5:
      case 6: {
        // struct or union, sometimes anonymous and embedded at once
        const isUnion = pick(4) === 0;
        const members: [string | null, Made, number, number][] = [];
        let off = 0,
          align = 1,
          max = 0;
        const nm = 1 + pick(5);
        for (let j = 0; j < nm; j++) {
          const t = value()!;
          const nmName = pick(6) === 0 && !t.int ? null : `${name()}${j}`;
          if (t.int && t.size >= 4 && pick(3) === 0 && !isUnion) {
            const bits = 1 + pick(t.size * 8 - 1);
            // a bitfield never straddles its storage unit
            const unit = t.size * 8;
            if (Math.floor(off / unit) !== Math.floor((off + bits - 1) / unit)) off = Math.ceil(off / unit) * unit;
            members.push([nmName ?? `bf${j}`, t, off, bits]);
            off += bits;
            align = Math.max(align, t.align);
            continue;
          }
          off = Math.ceil(off / 8 / t.align) * t.align * 8;
          members.push([nmName, t, isUnion ? 0 : off, 0]);
          max = Math.max(max, t.size);
          if (!isUnion) off += t.size * 8;
          align = Math.max(align, t.align);
        }
        const bytes = isUnion ? max : Math.ceil(off / 8);
        const size = Math.ceil(bytes / align) * align;
        const anon = pick(5) === 0;
        const sname = anon ? null : pick(6) === 0 && sn > 0 ? `s${pick(sn)}` : `s${sn++}`;
        const id = isUnion ? b.addUnion(sname, size) : b.addStruct(sname, size);
        for (const [mn, t, o, bits] of members) b.addField(mn, t.id, o, bits);
        if (sname) structs.push(id);
        add({ id, size, align, value: true, int: false });
        break;
      }
      case 7: {
        const e64 = pick(3) === 0;
        const id = e64
          ? b.addEnum64(pick(3) ? `e${i}` : null, 8, pick(2) === 0)
          : b.addEnum(pick(3) ? `e${i}` : null, 4);
        const nv = 1 + pick(3);
        for (let j = 0; j < nv; j++) {
          if (e64) b.addEnum64Value(`E${i}_${j}`, BigInt(pick(1000)) << BigInt(pick(2) ? 0 : 40));
          else b.addEnumValue(`E${i}_${j}`, pick(4) === 0 ? -pick(100) : pick(100));
        }
        add({ id, size: e64 ? 8 : 4, align: e64 ? 8 : 4, value: true, int: false });
        break;
      }
      case 8:
        add({
          id: b.addFwd(`s${pick(sn + 2)}`, pick(2) ? BTF_FWD_STRUCT : BTF_FWD_UNION),
          size: 0,
          align: 1,
          value: false,
          int: false,
        });
        break;
      case 9:
      case 10: {
        const t = any();
        add({ ...t, id: b.addTypedef(`t${pick(n)}`, t.id) });
        break;
      }
      case 11: {
        const t = value()!;
        const m = pick(3);
        const id = m === 0 ? b.addConst(t.id) : m === 1 ? b.addVolatile(t.id) : b.addTypeTag(`tag${pick(3)}`, t.id);
        add({ ...t, id, int: false });
        break;
      }
      case 12: {
        const p = proto();
        // the same prototype, pointed to by several declarations
        const ptr = b.addPtr(p);
        add({ id: ptr, size: 8, align: 8, value: true, int: false });
        if (pick(2)) add({ id: b.addTypedef(`fn${i}`, ptr), size: 8, align: 8, value: true, int: false });
        break;
      }
      case 13: {
        const p = proto();
        const f = b.addFunc(`f${i}`, pick(2) ? BTF_FUNC_GLOBAL : BTF_FUNC_STATIC, p);
        if (pick(2)) b.addDeclTag(`dt${i}`, f, -1);
        break;
      }
      case 14: {
        // a pointer to a struct defined later
        const ptr = b.addPtr(0);
        later.push(ptr);
        add({ id: ptr, size: 8, align: 8, value: true, int: false });
        break;
      }
      default: {
        const t = value()!;
        b.addVar(`v${i}`, pick(2) ? BTF_VAR_GLOBAL_ALLOCATED : BTF_VAR_STATIC, t.id);
        break;
      }
    }
  }
  // Point the forward pointers at structs (any of them, later ones included).
  for (const p of later) if (structs.length) b.setWord(p, 2, structs[pick(structs.length)]!);
  return b;
}
