/** Usage errors: reported as one line on stderr with exit status 2, never a stack trace. */
import fs from 'node:fs';

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
