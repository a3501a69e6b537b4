/**
 * CPU time of this process (user + system, all its threads), in milliseconds. The fuzz suites bound
 * the work an input costs with it rather than with the wall clock: the server half runs in this
 * process, and other processes on a loaded machine (parallel test files, CI neighbours) then
 * cannot make a fast input look slow. Waiting (the validation debounce) costs no CPU time; a
 * server that stops answering is caught by the waits' own timeouts.
 */
export function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}
