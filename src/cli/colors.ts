// Colour only for a terminal, and never when NO_COLOR is set (no-color.org).
import pc from 'picocolors';
import type { CliIO, OutputStream } from './io.js';

export type Colors = ReturnType<typeof pc.createColors>;

export function colorsFor(stream: OutputStream, env: CliIO['env']): Colors {
  return pc.createColors(Boolean(stream.isTTY) && !env.NO_COLOR);
}
