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
