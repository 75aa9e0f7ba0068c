import { startLocalGateway } from './start-local-gateway.js';

/** `npm start`: the gateway on this machine, offline, with the built-in mock provider. */
async function main(): Promise<void> {
  const gateway = await startLocalGateway({ env: process.env });
  console.log(`Switchboard is listening on ${gateway.url}`);
  if (gateway.createdDevKey) {
    const key = gateway.createdDevKey;
    console.log(`
A development API key was created. It is shown only this once; keep it:

  ${key}

Try it:

  curl ${gateway.url}/v1/chat/completions \\
    -H "Authorization: Bearer ${key}" -H "Content-Type: application/json" \\
    -d '{"model": "mock/echo", "messages": [{"role": "user", "content": "Hello!"}]}'

Or with the OpenAI SDK:

  import OpenAI from 'openai';
  const client = new OpenAI({ baseURL: '${gateway.url}/v1', apiKey: '${key}' });
  const reply = await client.chat.completions.create({
    model: 'mock/echo', messages: [{ role: 'user', content: 'Hello!' }],
  });
`);
  } else if (process.env.SWITCHBOARD_DEV_KEY) {
    console.log('The key in SWITCHBOARD_DEV_KEY is registered.');
  } else {
    console.log('Keys from an earlier start are kept. Set SWITCHBOARD_DEV_KEY to register a key you know.');
  }
  if (gateway.createdAdminKey) {
    console.log(`A management key for ${gateway.url}/v1/manage/... was created. It is shown only this once:

  ${gateway.createdAdminKey}
`);
  }
  console.log('Press Ctrl-C to stop.');

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping...`);
    gateway.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
