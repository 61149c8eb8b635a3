// gRPC client peer for the ASP.NET Core server-span tests: @grpc/grpc-js calling the .NET test app's
// Greeter over HTTP/2 cleartext. Each call is a CLIENT span of the OpenTelemetry JS SDK whose context
// is injected into the call's metadata as W3C traceparent, so the server span must be its child.
//
// usage: node grpc-server-client/client.js <host:port>
// stdin, one command a line: "unary <name>" | "stream <name> <count>" | "fail <name>" | "reject <name>"
//   | "collect <name1,name2,...>" (client streaming) | "chat <name1,name2,...>" (bidi, one reply awaited per request)
// stdout: "READY 0", then one JSON line per call: {call, traceId, spanId, code, details, replies}
'use strict';

const path = require('path');
const readline = require('readline');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');
const api = require('@opentelemetry/api');
const { W3CTraceContextPropagator } = require('@opentelemetry/core');
const { BasicTracerProvider } = require('@opentelemetry/sdk-trace-base');

const target = process.argv[2];
const definition = protoLoader.loadSync(path.join(__dirname, 'greeter.proto'), { keepCase: true });
const Greeter = grpc.loadPackageDefinition(definition).tracing.test.Greeter;
const client = new Greeter(target, grpc.credentials.createInsecure());
const tracer = new BasicTracerProvider().getTracer('grpc-server-client');
const propagator = new W3CTraceContextPropagator();

function startCall(method) {
  const span = tracer.startSpan(`tracing.test.Greeter/${method}`, { kind: api.SpanKind.CLIENT });
  const carrier = {};
  propagator.inject(api.trace.setSpan(api.ROOT_CONTEXT, span), carrier, api.defaultTextMapSetter);
  const metadata = new grpc.Metadata();
  for (const [key, value] of Object.entries(carrier)) {
    metadata.set(key, value);
  }
  return { span, metadata };
}

function report(call, span, error, replies) {
  const context = span.spanContext();
  span.end();
  console.log(JSON.stringify({
    call,
    traceId: context.traceId,
    spanId: context.spanId,
    code: error ? error.code : 0,
    details: error ? error.details : '',
    replies,
  }));
}

function unary(call, method, name) {
  const { span, metadata } = startCall(method);
  client[method]({ name }, metadata, { deadline: Date.now() + 10000 }, (error, reply) =>
    report(call, span, error, reply ? [reply.message] : []));
}

function stream(name, count) {
  const { span, metadata } = startCall('StreamHellos');
  const replies = [];
  const call = client.StreamHellos({ name, count }, metadata, { deadline: Date.now() + 10000 });
  call.on('data', (reply) => replies.push(reply.message));
  call.on('error', (error) => report('stream', span, error, replies));
  call.on('end', () => report('stream', span, null, replies));
}

function collect(names) {
  const { span, metadata } = startCall('CollectHellos');
  const call = client.CollectHellos(metadata, { deadline: Date.now() + 10000 }, (error, reply) =>
    report('collect', span, error, reply ? [reply.message] : []));
  for (const name of names) {
    call.write({ name });
  }
  call.end();
}

function chat(names) {
  const { span, metadata } = startCall('Chat');
  const replies = [];
  const call = client.Chat(metadata, { deadline: Date.now() + 10000 });
  let next = 0;
  const send = () => {
    if (next < names.length) {
      call.write({ name: names[next++] });
    } else {
      call.end();
    }
  };
  call.on('data', (reply) => {
    replies.push(reply.message);
    send();
  });
  call.on('error', (error) => report('chat', span, error, replies));
  call.on('end', () => report('chat', span, null, replies));
  send();
}

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const [command, name, count] = line.trim().split(/\s+/);
  switch (command) {
    case 'unary': unary('unary', 'SayHello', name); break;
    case 'fail': unary('fail', 'Fail', name); break;
    case 'reject': unary('reject', 'Reject', name); break;
    case 'stream': stream(name, Number(count)); break;
    case 'collect': collect(name.split(',')); break;
    case 'chat': chat(name.split(',')); break;
    default: console.log(JSON.stringify({ call: command, error: 'unknown command' }));
  }
}).on('close', () => process.exit(0));

console.log('READY 0');
