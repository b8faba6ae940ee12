/** `gcsim workloads`: the built-in workloads, one line each, with their parameters. */
import { Command } from 'commander';
import { WORKLOADS } from '../workloads/index.ts';

export function workloadsCommand(): Command {
  return new Command('workloads')
    .description('list the built-in workloads')
    .option('--params', 'also list each workload parameter with its default')
    .action((o: { params?: boolean }) => {
      const width = Math.max(...Object.keys(WORKLOADS).map((n) => n.length));
      for (const w of Object.values(WORKLOADS)) {
        console.log(`${w.name.padEnd(width)}  ${w.description}`);
        if (o.params) for (const [k, p] of Object.entries(w.params)) console.log(`${''.padEnd(width)}    ${k}=${p.default}  ${p.doc}`);
      }
    });
}
