// gRPC test peer: a grpc-js server for the Echo service of
// tests/Tracing.Sdk.Tests/Support/Grpc/echo.proto on 127.0.0.1 (a free port, printed as
// "READY <port>"). For every call it prints one JSON line with the method and the metadata it
// received ({"method": "Unary", "metadata": {"traceparent": ["00-..."], ...}}), so that tests can
// check what was propagated, and how many times.
'use strict';

const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const definition = protoLoader.loadSync(
  path.join(__dirname, '..', '..', 'Tracing.Sdk.Tests', 'Support', 'Grpc', 'echo.proto'),
  { keepCase: false, longs: String, defaults: true });
const echo = grpc.loadPackageDefinition(definition).tracingtest.Echo;

function record(method, call) {
  process.stdout.write(JSON.stringify({ method, metadata: collect(call.metadata) }) + '\n');
}

// Every value of every key (getMap keeps only the first; duplicates are what tests look for).
function collect(metadata) {
  const all = {};
  for (const key of Object.keys(metadata.getMap())) {
    all[key] = metadata.get(key).map((v) => (Buffer.isBuffer(v) ? v.toString('base64') : String(v)));
  }
  return all;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const handlers = {
  Unary(call, callback) {
    record('Unary', call);
    callback(null, { text: call.request.text, index: 0 });
  },

  async ServerStream(call) {
    record('ServerStream', call);
    let cancelled = false;
    call.on('cancelled', () => { cancelled = true; });
    const count = Math.max(0, call.request.count);
    for (let i = 0; i < count && !cancelled; i++) {
      call.write({ text: call.request.text, index: i });
      if (call.request.delayMs > 0) {
        await sleep(call.request.delayMs);
      }
    }
    if (!cancelled) {
      call.end();
    }
  },

  ClientStream(call, callback) {
    record('ClientStream', call);
    const texts = [];
    call.on('data', (request) => texts.push(request.text));
    call.on('end', () => callback(null, { text: texts.join(','), index: texts.length }));
  },

  Bidi(call) {
    record('Bidi', call);
    let index = 0;
    call.on('data', (request) => call.write({ text: request.text, index: index++ }));
    call.on('end', () => call.end());
  },

  Fail(call, callback) {
    record('Fail', call);
    callback({ code: grpc.status.NOT_FOUND, details: call.request.text });
  },

  Sleep(call, callback) {
    record('Sleep', call);
    const timer = setTimeout(() => callback(null, { text: call.request.text, index: 0 }), call.request.delayMs);
    call.on('cancelled', () => clearTimeout(timer));
  },
};

const server = new grpc.Server();
server.addService(echo.service, handlers);
server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) => {
  if (error) {
    process.stderr.write(`bind failed: ${error.message}\n`);
    process.exit(1);
  }
  process.stdout.write(`READY ${port}\n`);
});

// The test process kills this one; stdin closing (the parent went away) ends it too.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
