// A stand-in Jaeger agent for the tests: listens on a loopback UDP port and decodes every datagram as
// an Agent.emitBatch call with Apache Thrift's own protocol implementation (the npm `thrift`
// package: TCompactProtocol or TBinaryProtocol), reading the Jaeger IDL structs field by field
// through the protocol API. Prints `READY <port>`, then one JSON line per datagram with every
// decoded field; i64 values are printed as signed decimal strings so that nothing is rounded.
//
// Usage: node thrift/jaeger-agent.js [compact|binary] [host=127.0.0.1] [port=0]
//
// The socket is read on the main thread and decoding happens on a worker thread, so a slow decode
// never leaves the kernel's receive buffer to overflow.
'use strict';

const { Worker, isMainThread, parentPort, workerData } = require('node:worker_threads');

if (isMainThread) {
  const dgram = require('node:dgram');
  const [protocol = 'compact', host = '127.0.0.1', port = '0'] = process.argv.slice(2);
  if (protocol !== 'compact' && protocol !== 'binary') {
    process.stderr.write(`unknown protocol ${protocol}\n`);
    process.exit(2);
  }

  const worker = new Worker(__filename, { workerData: { protocol } });
  worker.on('message', (line) => process.stdout.write(line + '\n'));
  worker.on('error', (error) => {
    process.stderr.write(String(error && error.stack) + '\n');
    process.exit(1);
  });

  const socket = dgram.createSocket({ type: host.includes(':') ? 'udp6' : 'udp4', recvBufferSize: 8 * 1024 * 1024 });
  let received = 0;
  socket.on('message', (datagram) => worker.postMessage({ n: ++received, bytes: datagram }));
  socket.on('error', (error) => {
    process.stderr.write(String(error && error.stack) + '\n');
    process.exit(1);
  });
  socket.bind(Number(port), host, () => process.stdout.write(`READY ${socket.address().port}\n`));
  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();
} else {
  const thrift = require('thrift');
  const Type = thrift.Thrift.Type;
  const binary = workerData.protocol === 'binary';

  const i32 = (p) => p.readI32();
  const i64 = (p) => BigInt.asIntN(64, BigInt('0x' + p.readI64().toOctetString())).toString();
  const str = (p) => p.readString();
  const bin = (p) => p.readBinary().toString('base64');
  const dbl = (p) => p.readDouble();
  const bool = (p) => p.readBool();

  // Reads a struct by its IDL: { fieldId: [name, wire type, reader] }. A field the IDL does not know,
  // or one of the wrong wire type, is skipped and reported under "$unknown" (the tests assert none).
  function struct(schema) {
    return (p) => {
      const value = {};
      const unknown = [];
      p.readStructBegin();
      for (;;) {
        const field = p.readFieldBegin();
        if (field.ftype === Type.STOP) {
          break;
        }

        const spec = schema[field.fid];
        if (spec && spec[1] === field.ftype) {
          value[spec[0]] = spec[2](p);
        } else {
          unknown.push({ id: field.fid, type: field.ftype });
          p.skip(field.ftype);
        }

        p.readFieldEnd();
      }

      p.readStructEnd();
      if (unknown.length > 0) {
        value.$unknown = unknown;
      }

      return value;
    };
  }

  function list(elementType, read) {
    return (p) => {
      const header = p.readListBegin();
      if (header.etype !== elementType) {
        throw new Error(`list of type ${header.etype}, expected ${elementType}`);
      }

      const items = [];
      for (let i = 0; i < header.size; i++) {
        items.push(read(p));
      }

      p.readListEnd();
      return items;
    };
  }

  // jaeger-idl thrift/jaeger.thrift
  const Tag = struct({
    1: ['key', Type.STRING, str],
    2: ['vType', Type.I32, i32],
    3: ['vStr', Type.STRING, str],
    4: ['vDouble', Type.DOUBLE, dbl],
    5: ['vBool', Type.BOOL, bool],
    6: ['vLong', Type.I64, i64],
    7: ['vBinary', Type.STRING, bin],
  });
  const Log = struct({
    1: ['timestamp', Type.I64, i64],
    2: ['fields', Type.LIST, list(Type.STRUCT, Tag)],
  });
  const SpanRef = struct({
    1: ['refType', Type.I32, i32],
    2: ['traceIdLow', Type.I64, i64],
    3: ['traceIdHigh', Type.I64, i64],
    4: ['spanId', Type.I64, i64],
  });
  const Span = struct({
    1: ['traceIdLow', Type.I64, i64],
    2: ['traceIdHigh', Type.I64, i64],
    3: ['spanId', Type.I64, i64],
    4: ['parentSpanId', Type.I64, i64],
    5: ['operationName', Type.STRING, str],
    6: ['references', Type.LIST, list(Type.STRUCT, SpanRef)],
    7: ['flags', Type.I32, i32],
    8: ['startTime', Type.I64, i64],
    9: ['duration', Type.I64, i64],
    10: ['tags', Type.LIST, list(Type.STRUCT, Tag)],
    11: ['logs', Type.LIST, list(Type.STRUCT, Log)],
    12: ['incomplete', Type.BOOL, bool],
  });
  const Process = struct({
    1: ['serviceName', Type.STRING, str],
    2: ['tags', Type.LIST, list(Type.STRUCT, Tag)],
  });
  const ClientStats = struct({
    1: ['fullQueueDroppedSpans', Type.I64, i64],
    2: ['tooLargeDroppedSpans', Type.I64, i64],
    3: ['failedToEmitSpans', Type.I64, i64],
  });
  const Batch = struct({
    1: ['process', Type.STRUCT, (p) => Process(p)],
    2: ['spans', Type.LIST, list(Type.STRUCT, Span)],
    3: ['seqNo', Type.I64, i64],
    4: ['stats', Type.STRUCT, (p) => ClientStats(p)],
  });
  // jaeger-idl thrift/agent.thrift: oneway void emitBatch(1: jaeger.Batch batch)
  const EmitBatchArgs = struct({ 1: ['batch', Type.STRUCT, (p) => Batch(p)] });

  function decode(n, bytes) {
    const transport = new thrift.TBufferedTransport();
    transport.inBuf = bytes;
    transport.readCursor = 0;
    transport.writeCursor = bytes.length;
    const protocol = binary ? new thrift.TBinaryProtocol(transport, true) : new thrift.TCompactProtocol(transport);
    const result = { n, size: bytes.length, protocol: binary ? 'binary' : 'compact' };
    try {
      const message = protocol.readMessageBegin();
      result.message = { name: message.fname, type: message.mtype, seqid: message.rseqid };
      Object.assign(result, EmitBatchArgs(protocol));
      protocol.readMessageEnd();
      result.trailing = transport.writeCursor - transport.readCursor;
    } catch (error) {
      result.error = String(error && (error.message || error));
    }

    return result;
  }

  parentPort.on('message', ({ n, bytes }) => {
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    parentPort.postMessage(JSON.stringify(decode(n, buffer)));
  });
}
