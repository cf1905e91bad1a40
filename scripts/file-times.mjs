// A node:test reporter (scripts/run-tests.mjs adds it): for each test file, one line when it ends,
// `file <seconds> <path>` (its whole time: loading, hooks, tests, and waiting for its process to
// exit), and one per top-level test or suite, `test <seconds> <path>`. Node's TAP names no file.
/** @param {AsyncIterable<{ type: string, data: { name?: string, nesting?: number, file?: string, details?: { duration_ms?: number } } }>} source */
export default async function* fileTimes(source) {
  for await (const { type, data } of source) {
    if (data.nesting !== 0 || !data.file) continue;
    const seconds = ((data.details?.duration_ms ?? 0) / 1000).toFixed(3);
    if (type === 'test:complete' && data.name === data.file) yield `file ${seconds} ${data.file}\n`;
    else if (type === 'test:pass' || type === 'test:fail') yield `test ${seconds} ${data.file}\n`;
  }
}
