/**
 * CPU time used by this process, in ms. Unlike the wall clock, other processes on a busy machine do not
 * stretch it, so bounds on work done ("a stop lands within 50 ms of work") hold under load.
 */
export function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}
