// Per-message-type field tables built once from protobufjs reflection: lookup by proto name and by
// lowerCamelCase JSON name (proto3 JSON parsers accept both), fields in field-number order (the
// order Envoy's JSON printer uses), and which fields track presence.

import protobuf from 'protobufjs';

export interface FieldInfo {
  readonly field: protobuf.Field;
  /** The name as declared in the .proto (snake_case); the name Skiff prints. */
  readonly protoName: string;
  /** lowerCamelCase (or the declared json_name), accepted on input. */
  readonly jsonName: string;
  /** Set only when present on the wire: message fields, oneof members, proto3 `optional`. */
  readonly hasPresence: boolean;
  /** The oneof this field belongs to, when it is a real (not proto3-optional) oneof. */
  readonly oneof: protobuf.OneOf | undefined;
}

export interface MessageFields {
  readonly byName: ReadonlyMap<string, FieldInfo>;
  /** Fields sorted by field number. */
  readonly ordered: readonly FieldInfo[];
  readonly byId: ReadonlyMap<number, FieldInfo>;
}

const cache = new WeakMap<protobuf.Type, MessageFields>();
const names = new WeakMap<protobuf.ReflectionObject, string>();

/** `.google.protobuf.Duration`: protobufjs recomputes fullName on every read, so it is cached. */
export function nameOf(obj: protobuf.ReflectionObject): string {
  let name = names.get(obj);
  if (name === undefined) {
    name = obj.fullName;
    names.set(obj, name);
  }
  return name;
}

/** protoc's ToJsonName: drop underscores, upper-case the letter after each. */
export function lowerCamelCase(name: string): string {
  return name.replace(/_+([a-zA-Z0-9])/g, (_m, c: string) => c.toUpperCase());
}

export function messageFields(type: protobuf.Type): MessageFields {
  let fields = cache.get(type);
  if (fields) return fields;
  const byName = new Map<string, FieldInfo>();
  const byId = new Map<number, FieldInfo>();
  const ordered: FieldInfo[] = [];
  for (const field of type.fieldsArray) {
    field.resolve();
    const declaredJsonName = field.options?.['json_name'];
    const jsonName = typeof declaredJsonName === 'string' ? declaredJsonName : lowerCamelCase(field.name);
    const realOneof = field.partOf && !field.options?.['proto3_optional'] ? field.partOf : undefined;
    const info: FieldInfo = {
      field,
      protoName: field.name,
      jsonName,
      hasPresence:
        !field.repeated && !field.map &&
        (field.partOf !== null || field.resolvedType instanceof protobuf.Type || field.options?.['proto3_optional'] === true),
      oneof: realOneof,
    };
    ordered.push(info);
    byId.set(field.id, info);
    byName.set(field.name, info);
    if (jsonName !== field.name && !byName.has(jsonName)) byName.set(jsonName, info);
  }
  ordered.sort((a, b) => a.field.id - b.field.id);
  fields = { byName, ordered, byId };
  cache.set(type, fields);
  return fields;
}

/** The field with this number; well-known types are handled by number because protobufjs's bundled
 * google/protobuf definitions use camelCase names while the .proto files use snake_case. */
export function fieldById(type: protobuf.Type, id: number): protobuf.Field {
  const info = messageFields(type).byId.get(id);
  if (!info) throw new Error(`${type.fullName} has no field number ${id}`);
  return info.field;
}
