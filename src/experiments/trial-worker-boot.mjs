// Entry of a trial's worker thread when gcsim runs from source. Node 20 cannot start a worker on
// a .ts file even under tsx, and the `--import tsx` a worker inherits does not install tsx's ESM
// hooks in it: this file installs them (tsx/esm/api) and imports the TypeScript entry named by
// argv[2] as a real ES module. Through tsx's require hook instead, every imported constant and
// function of the collector would become a property getter read in its hot loops (a trial ran
// splay's scavenges 2.3 times slower). The require hook stays the fallback.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const entry = process.argv[2];
let esm = true;
try {
  (await import('tsx/esm/api')).register();
} catch {
  esm = false;
}
if (esm) await import(pathToFileURL(entry).href);
else createRequire(import.meta.url)(entry);
