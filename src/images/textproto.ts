/**
 * A small writer for protobuf text format (what NsJail's `--config` reads). No npm library
 * writes text format from plain objects (protobufjs reads .proto and writes binary or JSON),
 * and the kit needs only scalars, enums, repeated fields and nested messages.
 */

/** An enum value, written bare (`mode: ONCE`). */
export interface TextEnum {
  readonly enumValue: string;
}

/** A field value. */
export type TextValue = string | number | boolean | TextEnum | TextMessage;

/** A message: fields in order; repeat a name for a repeated field. */
export interface TextMessage {
  readonly fields: ReadonlyArray<readonly [string, TextValue]>;
}

/** An enum value. */
export function enumValue(name: string): TextEnum {
  return { enumValue: name };
}

/** A message from fields, skipping those whose value is undefined. */
export function message(fields: ReadonlyArray<readonly [string, TextValue | undefined]>): TextMessage {
  return { fields: fields.filter((f): f is readonly [string, TextValue] => f[1] !== undefined) };
}

const FIELD_NAME = /^[a-z_][a-z0-9_]*$/;
const ENUM_NAME = /^[A-Z_][A-Z0-9_]*$/;

/** A string literal, escaped as protobuf text format (and C) expects. */
export function quote(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\${code.toString(8).padStart(3, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

function isMessage(v: TextValue): v is TextMessage {
  return typeof v === 'object' && 'fields' in v;
}

function scalar(name: string, v: Exclude<TextValue, TextMessage>): string {
  if (typeof v === 'string') return quote(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw new Error(`text proto field ${name}: ${v} is not an integer`);
    return String(v);
  }
  if (!ENUM_NAME.test(v.enumValue)) throw new Error(`text proto field ${name}: bad enum value ${v.enumValue}`);
  return v.enumValue;
}

/** Render a message as text format, one field per line, nested messages indented. */
export function renderTextProto(msg: TextMessage, indent = ''): string {
  const lines: string[] = [];
  for (const [name, value] of msg.fields) {
    if (!FIELD_NAME.test(name)) throw new Error(`text proto: bad field name ${name}`);
    if (isMessage(value)) {
      lines.push(`${indent}${name} {`);
      const inner = renderTextProto(value, `${indent}  `);
      if (inner) lines.push(inner);
      lines.push(`${indent}}`);
    } else {
      lines.push(`${indent}${name}: ${scalar(name, value)}`);
    }
  }
  return lines.join('\n');
}
