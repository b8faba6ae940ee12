/** Usage errors: reported as one line on stderr with exit status 2, never a stack trace. */
import fs from 'node:fs';
import path from 'node:path';

export const EXIT_USAGE = 2;

export class UsageFailure extends Error {}

/** Fails early if `file` cannot be written (so a long run does not end unable to save). */
export function checkWritable(file: string): void {
  try {
    const existed = fs.existsSync(file);
    fs.appendFileSync(file, '');
    if (!existed) fs.unlinkSync(file);
  } catch (e) {
    throw new UsageFailure(`cannot write '${file}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/**
 * Creates an output directory, or fails with one line. The missing directories are made one at
 * a time from the nearest existing ancestor, after checking that ancestor is a writable
 * directory: Node's recursive mkdir never returns under /proc (`--out /proc/x`).
 */
export function makeOutputDir(dir: string): void {
  const abs = path.resolve(dir);
  const missing: string[] = [];
  let cur = abs;
  const why = (e: unknown): string => (e as NodeJS.ErrnoException).code ?? (e as Error).message;
  for (;;) {
    let st: fs.Stats | null = null;
    try {
      st = fs.statSync(cur);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new UsageFailure(`cannot create output directory '${dir}': ${why(e)} at '${cur}'`);
    }
    if (st !== null) {
      if (!st.isDirectory()) throw new UsageFailure(missing.length === 0 ? `output path '${dir}' is not a directory` : `cannot create output directory '${dir}': '${cur}' is not a directory`);
      break;
    }
    missing.unshift(cur);
    const up = path.dirname(cur);
    if (up === cur) break;
    cur = up;
  }
  if (missing.length > 0) {
    try {
      fs.accessSync(cur, fs.constants.W_OK);
    } catch (e) {
      throw new UsageFailure(`cannot create output directory '${dir}': '${cur}' is not writable (${why(e)})`);
    }
    for (const d of missing) {
      try {
        fs.mkdirSync(d);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST' && fs.statSync(d).isDirectory()) continue;
        throw new UsageFailure(`cannot create output directory '${dir}': ${why(e)}`);
      }
    }
  }
}
