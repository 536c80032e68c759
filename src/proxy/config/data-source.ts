// envoy.config.core.v3.DataSource: inline bytes or string, an environment variable, or a file
// (read while the config is compiled, never on the request path).

import { readFileSync } from 'node:fs';
import { MessageReader } from './reader.js';

const SPEC = { fields: ['filename', 'inline_bytes', 'inline_string', 'environment_variable'], ignored: { watched_directory: 'files are read when the config is applied' } };

export function compileDataSource(r: MessageReader, key: string): Buffer | undefined {
  const d = r.message(key, SPEC);
  if (!d) return undefined;
  const kind = d.oneof(['filename', 'inline_bytes', 'inline_string', 'environment_variable'], true);
  switch (kind) {
    case 'inline_string':
      return Buffer.from(d.string('inline_string') ?? '', 'utf8');
    case 'inline_bytes':
      return Buffer.from(d.string('inline_bytes') ?? '', 'base64');
    case 'environment_variable': {
      const name = d.string('environment_variable', { required: true }) ?? '';
      const v = process.env[name];
      return v === undefined ? d.error('environment_variable', `environment variable ${name} is not set`) : Buffer.from(v, 'utf8');
    }
    case 'filename': {
      const file = d.string('filename', { required: true }) ?? '';
      try {
        return readFileSync(file);
      } catch (e) {
        return d.error('filename', `cannot read ${file}: ${(e as Error).message}`);
      }
    }
    default:
      return undefined;
  }
}
