import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { TwilioCloud, newCallSid } from '../services/simulator/src/voice/twilio-cloud.ts';
import { TwilioWebhookClient } from '../services/simulator/src/voice/webhooks.ts';
import { createTestDatabase } from '../test/support/database.ts';
import { clearRedisPrefix, hubEnv, repoRoot, seed, spawnHub, uniquePrefix, type Backend } from '../test/support/hub.ts';
import { latencyFigures, progress, sleep, type BenchResult } from './lib.ts';

const CALLS = 200;
// A caller listens to a prompt before keying: 1-3 s between their requests, as on a real line.
const THINK_MS: readonly [number, number] = [1000, 3000];
const CUSTOMERS = 1000;
const account = { accountSid: `AC${'be'.repeat(16)}`, authToken: 'bench-auth-token-0123456789abcdef' };
const publicBaseUrl = 'https://voice.bench.example';
const ourNumber = '+4721000000';

/**
 * Twilio waits at most 15 s for a webhook answer; Sentral should answer in well under a second.
 * 200 callers are in the IVR at once, each going through language, menu, a self-service answer,
 * back to the menu and on to an agent queue; every webhook answer is timed. Callers pause between
 * keys as people do; a second round without pauses (every caller keying as fast as answers come)
 * shows the headroom. The same callers against a bare express endpoint answering fixed TwiML, in
 * the same run, show the floor under both.
 */
export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const bare = await bareEndpoint();
  try {
    const webhooks = new TwilioWebhookClient({ hubUrl: bare.url, publicBaseUrl, ...account });
    for (const paced of [true, false]) {
      progress(`bare express endpoint: ${CALLS} simultaneous callers${paced ? '' : ', no pauses'}`);
      const samples = await callers(webhooks, null, paced);
      results.push({
        name: `bare express TwiML endpoint, ${CALLS} simultaneous calls${paced ? '' : ', no pauses'}`,
        backend: '-',
        ...latencyFigures(samples.latencies),
        throughputPerSec: samples.perSecond,
        notes: 'urlencoded parse + fixed TwiML, same requests and client',
      });
    }
  } finally {
    bare.stop();
  }
  for (const backend of ['postgres', 'redis'] as const) results.push(...(await ivrRun(backend)));
  return results;
}

async function ivrRun(backend: Backend): Promise<BenchResult[]> {
  const database = await createTestDatabase();
  const prefix = uniquePrefix();
  const cloud = await TwilioCloud.start({ accountSid: account.accountSid });
  try {
    await seed(database, CUSTOMERS);
    const phones = (await database.db.customerIdentity.findMany({ where: { kind: 'phone' }, select: { value: true }, take: CALLS })).map((p) => p.value);
    progress(`${backend}: starting a hub`);
    const hub = await spawnHub(
      hubEnv(backend, database, prefix, {
        LOG_LEVEL: 'info',
        TWILIO_ACCOUNT_SID: account.accountSid,
        TWILIO_AUTH_TOKEN: account.authToken,
        TWILIO_API_BASE_URL: cloud.url,
        PUBLIC_BASE_URL: publicBaseUrl,
      }),
    );
    try {
      const webhooks = new TwilioWebhookClient({ hubUrl: hub.url!, publicBaseUrl, ...account });
      progress(`${backend}: warming up`);
      await callers(webhooks, phones.slice(0, 10), false);
      const rows: BenchResult[] = [];
      for (const paced of [true, false]) {
        progress(`${backend}: ${CALLS} simultaneous callers in the IVR${paced ? '' : ', no pauses'}`);
        const samples = await callers(webhooks, phones, paced);
        rows.push({
          name: `IVR webhook answer, ${CALLS} simultaneous calls${paced ? '' : ', no pauses'}`,
          backend,
          ...latencyFigures(samples.latencies),
          throughputPerSec: samples.perSecond,
          notes: `${samples.latencies.length} signed webhooks (greeting, language, menu, order status, menu, adviser, queue)${paced ? ', 1-3 s between keys' : ''}; ${samples.failures} failed`,
        });
      }
      return rows;
    } finally {
      await hub.kill();
    }
  } finally {
    await cloud.close();
    if (backend === 'redis') await clearRedisPrefix(prefix);
    await database.drop();
  }
}

/**
 * Every caller at once: each request is timed from send to the last byte of the answer. With
 * `phones` null the callers post the same steps to a bare endpoint (no IVR state to follow).
 */
async function callers(webhooks: TwilioWebhookClient, phones: string[] | null, paced: boolean): Promise<{ latencies: number[]; perSecond: number; failures: number }> {
  const latencies: number[] = [];
  let failures = 0;
  const started = performance.now();
  const count = phones?.length ?? CALLS;
  await Promise.all(
    Array.from({ length: count }, async (_, index) => {
      const callSid = newCallSid();
      // Half known customers, half numbers the hub has never seen.
      const from = phones && index % 2 === 0 ? phones[index]! : `+47220${String(10_000 + index).padStart(5, '0')}`;
      const params = webhooks.baseParams({ callSid, from, to: ourNumber });
      let next = '/webhooks/twilio/voice';
      // Language, order status, main menu, adviser, customer service.
      for (const digits of [null, '1', '1', '1', '0', '2']) {
        if (paced) await sleep(THINK_MS[0] + Math.random() * (THINK_MS[1] - THINK_MS[0]));
        const sent = performance.now();
        const answer = await webhooks.post(next, digits === null ? params : { ...params, Digits: digits });
        latencies.push(performance.now() - sent);
        if (answer.status !== 200) failures += 1;
        const action = /<Gather[^>]* action="([^"]+)"/.exec(answer.body)?.[1];
        if (phones && !action) break;
        next = action ? action.replace(/&amp;/g, '&') : next;
      }
    }),
  );
  return { latencies, perSecond: latencies.length / ((performance.now() - started) / 1000), failures };
}

/** A bare express app in its own process, answering every POST with fixed TwiML: the floor under the IVR. */
async function bareEndpoint(): Promise<{ url: string; stop(): void }> {
  const source = `
    const express = require('express');
    const app = express();
    app.use(express.urlencoded({ extended: false }));
    app.use((req, res) => res.type('text/xml').send('<?xml version="1.0" encoding="UTF-8"?><Response><Gather action="${publicBaseUrl}/webhooks/twilio/voice" numDigits="1"><Say>Hei</Say></Gather></Response>'));
    const server = app.listen(0, '127.0.0.1', () => console.log(server.address().port));`;
  const child = spawn(process.execPath, ['-e', source], { cwd: `${repoRoot}services/hub`, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`bare endpoint exited with ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill() };
}
