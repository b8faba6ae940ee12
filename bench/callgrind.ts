/**
 * Reading a callgrind dump (bench/figures/instructions.ts): its total instructions, and those of
 * V8's compilers apart.
 */

/** V8's optimising and baseline compilers: work a GC in a measured run leaves to a background thread. */
export const COMPILER = /v8::internal::(?:compiler|maglev|baseline|wasm)::|v8::internal::(?:Compiler|OptimizedCompilationJob|TurbofanCompilationJob|CompilationDependencies)\b/;

/**
 * The dump's instructions, total and those of functions of V8's compilers (self costs summed by
 * function; with --no-concurrent-recompilation a function optimised during the measured GC is
 * compiled on the main thread inside it). Callgrind's format: `fn=(id) name` names a function
 * (`fn=(id)` again later), a cost line is `position cost`, and the line after `calls=` is the
 * inclusive cost of a call, counted in the callee's own lines.
 */
export function selfCosts(text: string): { run: number; compiler: number } | null {
  const total = /^summary: (\d+)$/m.exec(text);
  if (total === null) return null;
  const names = new Map<string, string>();
  let inCompiler = false;
  let afterCall = false;
  let compiler = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('fn=')) {
      const m = /^fn=\((\d+)\)(?: (.*))?$/.exec(line);
      const name = m === null ? line.slice(3) : (m[2] ?? names.get(m[1]) ?? '');
      if (m !== null && m[2] !== undefined) names.set(m[1], m[2]);
      inCompiler = COMPILER.test(name);
      continue;
    }
    if (line.startsWith('cfn=')) {
      const m = /^cfn=\((\d+)\) (.*)$/.exec(line);
      if (m !== null) names.set(m[1], m[2]);
      continue;
    }
    if (line.startsWith('calls=')) {
      afterCall = true;
      continue;
    }
    if (/^[+\-*0-9]/.test(line)) {
      if (afterCall) afterCall = false;
      else if (inCompiler) compiler += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  const all = Number(total[1]);
  return { run: all - compiler, compiler };
}
