// `skiff label KIND NAME key=value key- [--overwrite]`.
import type { Command } from 'commander';
import type { CommandDeps } from '../command-support.js';
import { registerMetadataVerb } from '../metadata-update.js';

export function registerLabel(program: Command, deps: CommandDeps): void {
  registerMetadataVerb(program, deps, { verb: 'label', field: 'labels', noun: 'label', done: 'labeled', unchanged: 'not labeled' }, 'Update the labels on a resource');
}
