import { parentPort, workerData } from 'node:worker_threads';
import type { Language } from '@sentral/contract';
import { trainModel, type TrainingDocument } from './model.ts';

/** Trains the models handed over in `workerData` one language at a time and posts each as exported JSON. */
const jobs = workerData as Array<{ language: Language; documents: TrainingDocument[] }>;
for (const job of jobs) {
  const model = await trainModel(job.language, job.documents);
  parentPort?.postMessage({ language: job.language, model: model.export(true) });
}
