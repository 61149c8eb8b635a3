// An OpenTelemetry JS service used as a propagation peer by the .NET tests (PropagationInteropTests).
//
//   node otel/propagation-peer.js <tracecontext|b3|b3multi|jaeger>
//
// It registers the OpenTelemetry JS SDK (NodeTracerProvider) with that format's own propagator from
// npm, serves HTTP on 127.0.0.1 and prints "READY <port>". Then:
//  - every request it receives is extracted with the SDK's propagator, a server span is started under
//    it, and one JSON line {"kind":"received",...} reports what was extracted (trace id, parent span
//    id, sampled flag, baggage); the same JSON is the response body;
//  - every JSON line on stdin {"call":url,"id":...,"sampled":bool,"baggage":{...}} makes it start a
//    client span (sampled or not, as asked), inject it with the SDK's propagator, GET the url, and
//    print {"kind":"called",...} with its own ids and the response body;
//  - {"call":url,"id":...,"deferred":true,"traceId":...,"spanId":...} instead injects a context with
//    those ids and no sampling decision (trace flags unset), as a proxy that provisions ids but leaves
//    sampling to the receiver: the B3 multi-header propagator then leaves X-B3-Sampled out (B3 "defer").
'use strict';

const http = require('node:http');
const readline = require('node:readline');
const api = require('@opentelemetry/api');
const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node');
const { CompositePropagator, W3CTraceContextPropagator, W3CBaggagePropagator } = require('@opentelemetry/core');
const { B3Propagator, B3InjectEncoding } = require('@opentelemetry/propagator-b3');
const { JaegerPropagator } = require('@opentelemetry/propagator-jaeger');

const format = process.argv[2] || 'tracecontext';

function propagatorFor(name) {
  switch (name) {
    case 'tracecontext':
      return new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] });
    case 'b3':
      return new CompositePropagator({ propagators: [new B3Propagator({ injectEncoding: B3InjectEncoding.SINGLE_HEADER }), new W3CBaggagePropagator()] });
    case 'b3multi':
      return new CompositePropagator({ propagators: [new B3Propagator({ injectEncoding: B3InjectEncoding.MULTI_HEADER }), new W3CBaggagePropagator()] });
    case 'jaeger':
      // Jaeger carries baggage itself, as uberctx-{key} headers.
      return new JaegerPropagator();
    default:
      throw new Error(`unknown format ${name}`);
  }
}

// Sampled unless the span is started with the attribute test.sampled=false: lets a test ask for an
// unsampled caller. Remote parents decide for their children (parent-based, as the .NET side).
const sampler = {
  shouldSample(context, traceId, name, kind, attributes) {
    const parent = api.trace.getSpanContext(context);
    if (parent && api.isSpanContextValid(parent)) {
      return { decision: (parent.traceFlags & api.TraceFlags.SAMPLED) ? 2 : 0 };
    }
    return { decision: attributes && attributes['test.sampled'] === false ? 0 : 2 };
  },
  toString() {
    return 'TestSampler';
  },
};

const provider = new NodeTracerProvider({ sampler, spanProcessors: [] });
provider.register({ propagator: propagatorFor(format) });
const tracer = api.trace.getTracer('propagation-peer');

function baggageOf(context) {
  const baggage = api.propagation.getBaggage(context);
  const entries = {};
  if (baggage) {
    for (const [key, entry] of baggage.getAllEntries()) {
      entries[key] = entry.value;
    }
  }
  return entries;
}

function print(object) {
  process.stdout.write(JSON.stringify(object) + '\n');
}

const server = http.createServer((req, res) => {
  const extracted = api.propagation.extract(api.ROOT_CONTEXT, req.headers);
  const parent = api.trace.getSpanContext(extracted);
  const span = tracer.startSpan('server', { kind: api.SpanKind.SERVER }, extracted);
  const report = {
    kind: 'received',
    id: req.headers['x-test-id'] || null,
    format,
    traceId: parent ? parent.traceId : null,
    parentSpanId: parent ? parent.spanId : null,
    sampled: parent ? (parent.traceFlags & api.TraceFlags.SAMPLED) === api.TraceFlags.SAMPLED : null,
    serverSpanTraceId: span.spanContext().traceId,
    baggage: baggageOf(extracted),
    headers: req.headers,
    // Every header line as sent (Node joins repeated headers in req.headers), to catch duplicates.
    rawHeaderNames: req.rawHeaders.filter((_, i) => i % 2 === 0).map((name) => name.toLowerCase()),
  };
  span.end();
  print(report);
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(report));
});

function call(command) {
  // A deferred caller has ids but made no decision: a span context whose trace flags are undefined.
  const span = command.deferred
    ? api.trace.wrapSpanContext({ traceId: command.traceId, spanId: command.spanId, traceFlags: undefined })
    : tracer.startSpan('client', { kind: api.SpanKind.CLIENT, attributes: { 'test.sampled': command.sampled !== false } });
  let context = api.trace.setSpan(api.ROOT_CONTEXT, span);
  const entries = {};
  for (const [key, value] of Object.entries(command.baggage || {})) {
    entries[key] = { value };
  }
  context = api.propagation.setBaggage(context, api.propagation.createBaggage(entries));
  const headers = { 'x-test-id': command.id };
  api.propagation.inject(context, headers);
  const own = span.spanContext();

  const request = http.get(command.call, { headers }, (response) => {
    let body = '';
    response.setEncoding('utf8');
    response.on('data', (chunk) => { body += chunk; });
    response.on('end', () => {
      span.end();
      print({
        kind: 'called',
        id: command.id,
        traceId: own.traceId,
        spanId: own.spanId,
        sampled: (own.traceFlags & api.TraceFlags.SAMPLED) === api.TraceFlags.SAMPLED,
        sent: headers,
        status: response.statusCode,
        body,
      });
    });
  });
  request.setTimeout(10000, () => request.destroy(new Error('timeout')));
  request.on('error', (error) => {
    span.end();
    print({ kind: 'called', id: command.id, error: String(error) });
  });
}

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim().length === 0) {
    return;
  }
  try {
    call(JSON.parse(line));
  } catch (error) {
    print({ kind: 'called', id: null, error: String(error) });
  }
});

// The test owns this process: stdin closing means it is gone.
process.stdin.on('end', () => process.exit(0));

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`READY ${server.address().port}\n`);
});
