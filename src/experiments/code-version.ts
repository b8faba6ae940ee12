/** The package version of gcsim, from the nearest package.json named gcsim above this file. */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export function packageVersionOf(): string {
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; ) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      try {
        const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
        if (pkg.name === 'gcsim' && typeof pkg.version === 'string') return pkg.version;
      } catch {
        // not ours
      }
    }
    const up = path.dirname(dir);
    if (up === dir) return 'unknown';
    dir = up;
  }
}
