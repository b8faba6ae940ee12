/**
 * Registers every option of the option table as command-line flags (V8 spellings: `--threads 4`,
 * `--max-semi-space-size 1`, `--no-concurrent-marking`), and collects the given ones back into a
 * partial option set. New options in src/options.ts appear here without code changes.
 */
import type { Command } from 'commander';
import { OPTION_TABLE, type GcOptions, type OptionName, optionFlag, parseOptionValue, describeSpec } from '../options.ts';
import { UsageFailure } from './errors.ts';

/** Seeds: the 32-bit integers the workloads' generator takes (a larger one would be truncated). */
export const SEED_MIN = -2147483648;
export const SEED_MAX = 2147483647;
/** Workload parameters: 32-bit counts and sizes (a workload's own table may bound them further). */
export const PARAM_MAX = 2147483647;

/**
 * The one rule for integers on the command line (seeds, parameters, trial counts): optional
 * sign and digits only, within [min, max]. Throws UsageFailure with one line.
 */
export function parseIntArg(text: unknown, what: string, min: number, max: number): number {
  const s = String(text).trim();
  const n = Number(s);
  if (!/^[+-]?\d+$/.test(s) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageFailure(`bad ${what} '${String(text)}': an integer from ${min} to ${max}`);
  }
  return n;
}

/**
 * A flag given twice is an error, not a silent override (`--threads 2 --threads 4`, or
 * `--concurrent-marking` with `--no-concurrent-marking`). Variadic options (`--param a=1 b=2`)
 * and options with their own accumulating parser may repeat. Scans argv before commander does.
 */
export function rejectRepeatedFlags(program: Command, argv: readonly string[]): void {
  const sub = argv.findIndex((a) => !a.startsWith('-'));
  if (sub < 0) return;
  const cmd = program.commands.find((c) => c.name() === argv[sub] || c.aliases().includes(argv[sub]));
  if (!cmd) return;
  const byFlag = new Map<string, { key: string; repeatable: boolean }>();
  for (const o of cmd.options) {
    const repeatable = o.variadic || (o as { parseArg?: unknown }).parseArg !== undefined;
    for (const f of [o.long, o.short]) if (f) byFlag.set(f, { key: o.attributeName(), repeatable });
  }
  const seen = new Map<string, string>();
  for (let i = sub + 1; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') break;
    if (!a.startsWith('-') || /^-\d/.test(a)) continue;
    const flag = a.split('=', 1)[0];
    const o = byFlag.get(flag);
    if (!o || o.repeatable) continue;
    const prev = seen.get(o.key);
    if (prev !== undefined) throw new UsageFailure(prev === flag ? `${flag} is given twice` : `${prev} and ${flag} are both given: give one`);
    seen.set(o.key, flag);
  }
}

export function addOptionFlags(cmd: Command, opts: { lists?: boolean } = {}): void {
  for (const [name, spec] of Object.entries(OPTION_TABLE)) {
    const flag = optionFlag(name);
    if (spec.kind === 'bool') {
      // The same spellings in run and sweep: `--x`, `--no-x`, `--x true|false` (sweeps: a list).
      cmd.option(`${flag} [${opts.lists ? 'bools' : 'bool'}]`, `${spec.doc} (true or false${opts.lists ? ', or a comma-separated list' : ''}; default ${String(spec.default)})`);
      cmd.option('--no-' + flag.slice(2), `same as ${flag} false`);
    } else {
      const what = opts.lists ? '<values>' : '<value>';
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
    if (typeof v === 'string' && v.includes(',')) throw new UsageFailure(`bad value '${v}' for ${optionFlag(name)}: one value (lists are for gcsim sweep)`);
    out[name] = typeof v === 'string' ? parseOptionValue(name, v) : v;
  }
  return out as Partial<GcOptions>;
}

/** Parses `k=v` workload parameters (values by parseIntArg; a name given twice is an error). */
export function parseParams(list: string[] | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const kv of list ?? []) {
    const m = /^([A-Za-z][\w-]*)=(.*)$/.exec(kv);
    if (!m) throw new UsageFailure(`bad --param '${kv}': expected name=integer`);
    if (m[1] in out) throw new UsageFailure(`--param ${m[1]} is given twice`);
    out[m[1]] = parseIntArg(m[2], `--param ${m[1]}`, -PARAM_MAX, PARAM_MAX);
  }
  return out;
}
