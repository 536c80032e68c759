// `skiff annotate KIND NAME key=value key- [--overwrite]`.
import type { Command } from 'commander';
import type { CommandDeps } from '../command-support.js';
import { registerMetadataVerb } from '../metadata-update.js';

export function registerAnnotate(program: Command, deps: CommandDeps): void {
  registerMetadataVerb(program, deps, { verb: 'annotate', field: 'annotations', noun: 'annotation', done: 'annotated', unchanged: 'annotated' }, 'Update the annotations on a resource');
}
