// Entry of a trial's worker thread. Node 20 cannot start a worker on a .ts file even under tsx,
// but tsx's require hook (loaded through the worker's execArgv) can load one: require the
// TypeScript entry named by argv[2].
'use strict';
require(process.argv[2]);
