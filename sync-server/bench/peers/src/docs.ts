import { HybridLogicalClock, type Task } from '@taskmaster/shared-schema';
import { benchTask } from '@taskmaster/shared-schema/testing';

const clock = new HybridLogicalClock(`peer_${process.pid}`);

/** The same realistic task document every system stores (TaskMaster's own shape and schema). */
export const peerTask = (id: string, i: number): Task => benchTask(id, clock.now(), i);

/** Reads a process's resident memory from /proc, in MiB. */
export async function rssMb(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

/** CPU time (user + system) a process has used, in ms, from /proc (10 ms resolution). */
export async function cpuMs(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) start at state, field 3.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10; // utime, stime in 100 Hz ticks
}
