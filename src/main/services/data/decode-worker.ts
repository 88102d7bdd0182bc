import { parentPort, workerData } from 'node:worker_threads';
import { processorConfigSchema, workerRequestSchema } from './decode-worker-protocol';
import type { ProcessRequest, WorkerResponse } from './decode-worker-protocol';
import { readWholeFileBlocking } from './image-decoder';
import { SampleProcessor } from './sample-processor';

/**
 * The decode worker's entry: decodes, augments and normalises the samples the batch loader sends, on
 * its own thread, with its own share of the image cache. Built as its own bundle entry
 * (`out/main/decode-worker.js`); requests are answered one after the other, in order.
 */

const port = parentPort;
if (!port) throw new Error('decode-worker.ts runs only as a worker thread');

const processor = new SampleProcessor(processorConfigSchema.parse(workerData), readWholeFileBlocking);
let queue: Promise<void> = Promise.resolve();

const send = (message: WorkerResponse, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

async function handle(request: ProcessRequest): Promise<void> {
  try {
    const { x, failures } = await processor.process(request.jobs);
    send({ type: 'processed', id: request.id, x, failures, stats: processor.stats() }, [x.buffer as ArrayBuffer]);
  } catch (error) {
    send({ type: 'failed', id: request.id, message: error instanceof Error ? error.message : String(error) });
  }
}

port.on('message', (raw: unknown) => {
  const parsed = workerRequestSchema.safeParse(raw);
  if (!parsed.success) {
    const id = typeof raw === 'object' && raw !== null && typeof (raw as { id?: unknown }).id === 'number' ? (raw as { id: number }).id : -1;
    send({ type: 'failed', id, message: `malformed request: ${parsed.error.issues[0]?.message ?? 'unknown'}` });
    return;
  }
  queue = queue.then(() => handle(parsed.data));
});

send({ type: 'ready' });
