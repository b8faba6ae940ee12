/**
 * Registers every option of the option table as command-line flags (V8 spellings: `--threads 4`,
 * `--max-semi-space-size 1`, `--no-concurrent-marking`), and collects the given ones back into a
 * partial option set. New options in src/options.ts appear here without code changes.
 */
import type { Command } from 'commander';
import { OPTION_TABLE, type GcOptions, type OptionName, optionFlag, parseOptionValue, describeSpec } from '../options.ts';

export function addOptionFlags(cmd: Command, opts: { lists?: boolean } = {}): void {
  for (const [name, spec] of Object.entries(OPTION_TABLE)) {
    const flag = optionFlag(name);
    if (spec.kind === 'bool' && !opts.lists) {
      cmd.option(flag, spec.doc);
      cmd.option('--no-' + flag.slice(2), `turn off ${flag.slice(2)}`);
    } else {
      const what = opts.lists ? `<${spec.kind === 'bool' ? 'bools' : 'values'}>` : '<value>';
      cmd.option(`${flag} ${what}`, `${spec.doc} (${describeSpec(name)}; default ${String(spec.default)})${opts.lists ? ', or a comma-separated list' : ''}`);
    }
  }
}

/** The options the user gave (commander's camelCase keys match the table's names). */
export function collectOptions(raw: Record<string, unknown>): Partial<GcOptions> {
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(OPTION_TABLE) as OptionName[]) {
    const v = raw[name];
    if (v === undefined) continue;
    out[name] = typeof v === 'string' ? parseOptionValue(name, v) : v;
  }
  return out as Partial<GcOptions>;
}

/** Parses `k=v` workload parameters. */
export function parseParams(list: string[] | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const kv of list ?? []) {
    const m = /^([A-Za-z][\w-]*)=(-?\d+)$/.exec(kv);
    if (!m) throw new Error(`bad --param '${kv}': expected name=integer`);
    out[m[1]] = Number(m[2]);
  }
  return out;
}
