// google.protobuf.Struct in protobuf wire format, for the peer metadata headers. Written by hand
// because Struct is the only message the request path needs: loading the Envoy proto root for it
// costs a static-config proxy ~16 MB of memory and hundreds of milliseconds at start.
//
// Struct { map<string, Value> fields = 1 }; Value { oneof kind { NullValue null_value = 1;
// double number_value = 2; string string_value = 3; bool bool_value = 4; Struct struct_value = 5;
// ListValue list_value = 6 } }; ListValue { repeated Value values = 1 }.

type JsonValue = null | number | string | boolean | JsonValue[] | { [key: string]: JsonValue };

/** Nesting deeper than this is refused when decoding, so a hostile header cannot overflow the stack. */
const MAX_DEPTH = 64;

class Writer {
  private readonly parts: Buffer[] = [];
  length = 0;

  push(b: Buffer): void {
    this.parts.push(b);
    this.length += b.length;
  }

  varint(n: number): void {
    const bytes: number[] = [];
    while (n > 0x7f) {
      bytes.push((n & 0x7f) | 0x80);
      n = Math.floor(n / 128);
    }
    bytes.push(n);
    this.push(Buffer.from(bytes));
  }

  /** A length-delimited field. */
  bytes(field: number, b: Buffer): void {
    this.varint((field << 3) | 2);
    this.varint(b.length);
    this.push(b);
  }

  finish(): Buffer {
    return Buffer.concat(this.parts, this.length);
  }
}

function encodeValue(v: unknown, path: string): Buffer {
  const w = new Writer();
  if (v === null) {
    w.varint((1 << 3) | 0);
    w.varint(0);
  } else if (typeof v === 'number') {
    w.varint((2 << 3) | 1);
    const b = Buffer.allocUnsafe(8);
    b.writeDoubleLE(v);
    w.push(b);
  } else if (typeof v === 'string') {
    w.bytes(3, Buffer.from(v, 'utf8'));
  } else if (typeof v === 'boolean') {
    w.varint((4 << 3) | 0);
    w.varint(v ? 1 : 0);
  } else if (Array.isArray(v)) {
    const list = new Writer();
    v.forEach((item, i) => list.bytes(1, encodeValue(item, `${path}[${i}]`)));
    w.bytes(6, list.finish());
  } else if (typeof v === 'object') {
    w.bytes(5, encodeStruct(v as Record<string, unknown>, path));
  } else {
    throw new Error(`${path || 'metadata'}: a ${typeof v} cannot be sent in a google.protobuf.Struct`);
  }
  return w.finish();
}

/** Encodes a plain JSON object; undefined members are left out, as JSON.stringify leaves them. */
export function encodeStruct(obj: Record<string, unknown>, path = ''): Buffer {
  const w = new Writer();
  for (const [key, value] of Object.entries(obj)) {
    if (value === undefined) continue;
    const entry = new Writer();
    entry.bytes(1, Buffer.from(key, 'utf8'));
    entry.bytes(2, encodeValue(value, path ? `${path}.${key}` : key));
    w.bytes(1, entry.finish());
  }
  return w.finish();
}

class Reader {
  pos: number;

  constructor(readonly buf: Buffer, start: number, readonly end: number) {
    this.pos = start;
  }

  varint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new Error('truncated varint');
      const b = this.buf[this.pos++]!;
      result += (b & 0x7f) * scale;
      if (b < 0x80) return result;
      scale *= 128;
    }
    throw new Error('varint longer than 10 bytes');
  }

  /** The [start, end) of a length-delimited field's payload, advancing past it. */
  delimited(): [number, number] {
    const len = this.varint();
    const start = this.pos;
    if (start + len > this.end) throw new Error('truncated length-delimited field');
    this.pos = start + len;
    return [start, this.pos];
  }

  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 1) this.advance(8);
    else if (wireType === 2) this.delimited();
    else if (wireType === 5) this.advance(4);
    else throw new Error(`unsupported wire type ${wireType}`);
  }

  private advance(n: number): void {
    if (this.pos + n > this.end) throw new Error('truncated fixed-width field');
    this.pos += n;
  }
}

function decodeValue(buf: Buffer, start: number, end: number, depth: number): JsonValue {
  if (depth > MAX_DEPTH) throw new Error(`Struct nested deeper than ${MAX_DEPTH} levels`);
  const r = new Reader(buf, start, end);
  // Proto3 JSON prints an unset Value as null; the last kind on the wire wins.
  let value: JsonValue = null;
  while (r.pos < r.end) {
    const tag = r.varint();
    const field = Math.floor(tag / 8);
    const wireType = tag & 7;
    if (field === 1 && wireType === 0) {
      r.varint();
      value = null;
    } else if (field === 2 && wireType === 1) {
      if (r.pos + 8 > r.end) throw new Error('truncated number_value');
      value = buf.readDoubleLE(r.pos);
      r.pos += 8;
    } else if (field === 3 && wireType === 2) {
      const [s, e] = r.delimited();
      value = buf.toString('utf8', s, e);
    } else if (field === 4 && wireType === 0) {
      value = r.varint() !== 0;
    } else if (field === 5 && wireType === 2) {
      const [s, e] = r.delimited();
      value = decodeStructRange(buf, s, e, depth + 1);
    } else if (field === 6 && wireType === 2) {
      const [s, e] = r.delimited();
      const list: JsonValue[] = [];
      const lr = new Reader(buf, s, e);
      while (lr.pos < lr.end) {
        const t = lr.varint();
        if (t === ((1 << 3) | 2)) {
          const [vs, ve] = lr.delimited();
          list.push(decodeValue(buf, vs, ve, depth + 1));
        } else lr.skip(t & 7);
      }
      value = list;
    } else r.skip(wireType);
  }
  return value;
}

function decodeStructRange(buf: Buffer, start: number, end: number, depth: number): { [key: string]: JsonValue } {
  if (depth > MAX_DEPTH) throw new Error(`Struct nested deeper than ${MAX_DEPTH} levels`);
  const out: { [key: string]: JsonValue } = {};
  const r = new Reader(buf, start, end);
  while (r.pos < r.end) {
    const tag = r.varint();
    if (tag !== ((1 << 3) | 2)) {
      r.skip(tag & 7);
      continue;
    }
    const [es, ee] = r.delimited();
    const er = new Reader(buf, es, ee);
    let key = '';
    let value: JsonValue = null;
    while (er.pos < er.end) {
      const t = er.varint();
      if (t === ((1 << 3) | 2)) {
        const [s, e] = er.delimited();
        key = buf.toString('utf8', s, e);
      } else if (t === ((2 << 3) | 2)) {
        const [s, e] = er.delimited();
        value = decodeValue(buf, s, e, depth + 1);
      } else er.skip(t & 7);
    }
    out[key] = value;
  }
  return out;
}

/** Decodes a Struct into a plain object; throws on malformed wire data. */
export function decodeStruct(buf: Buffer): { [key: string]: JsonValue } {
  return decodeStructRange(buf, 0, buf.length, 0);
}
