using System.Text.Json;

namespace Tracing.Sdk.Tests.Support.Jaeger;

/// <summary>
/// A stand-in Jaeger agent: the Node script <c>tests/peers/thrift/jaeger-agent.js</c>, which decodes
/// every datagram on a loopback UDP port with Apache Thrift's npm implementation and prints it as JSON.
/// </summary>
public sealed class JaegerAgentPeer : IAsyncDisposable
{
    private static readonly JsonSerializerOptions s_json = new() { PropertyNameCaseInsensitive = true };

    private readonly NodePeer _peer;
    private readonly List<AgentDatagram> _parsed = [];

    private JaegerAgentPeer(NodePeer peer) => _peer = peer;

    public int Port => _peer.Port;

    /// <summary>Starts the agent for <paramref name="protocol"/> (compact | binary) on <paramref name="host"/>:<paramref name="port"/> (0: any free port).</summary>
    public static async Task<JaegerAgentPeer> StartAsync(string protocol = "compact", string host = "127.0.0.1", int port = 0) =>
        new(await NodePeer.StartAsync("thrift/jaeger-agent.js", protocol, host, port.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>Every datagram decoded so far, in arrival order.</summary>
    public IReadOnlyList<AgentDatagram> Datagrams
    {
        get
        {
            var lines = _peer.Lines;
            lock (_parsed)
            {
                for (var i = _parsed.Count; i < lines.Count; i++)
                {
                    var datagram = JsonSerializer.Deserialize<AgentDatagram>(lines[i], s_json)!;
                    datagram.Line = lines[i].Length > 2000 ? lines[i][..2000] + "..." : lines[i];
                    _parsed.Add(datagram);
                }

                return _parsed.ToList();
            }
        }
    }

    public IReadOnlyList<AgentSpan> Spans => Datagrams.SelectMany(d => d.Spans).ToList();

    /// <summary>Waits (bounded) until the datagrams received satisfy <paramref name="done"/>.</summary>
    public async Task<IReadOnlyList<AgentDatagram>> WaitAsync(Func<IReadOnlyList<AgentDatagram>, bool> done, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var datagrams = Datagrams;
            if (done(datagrams))
            {
                return datagrams;
            }

            var left = deadline - DateTime.UtcNow;
            var next = $"{{\"n\":{datagrams.Count + 1},";
            try
            {
                if (left <= TimeSpan.Zero)
                {
                    throw new TimeoutException();
                }

                await _peer.WaitForLineAsync(l => l.StartsWith(next, StringComparison.Ordinal), left);
            }
            catch (TimeoutException)
            {
                throw new TimeoutException(
                    $"the agent received {datagrams.Count} datagrams ({datagrams.Sum(d => d.Spans.Count)} spans), not what was awaited; stderr: {_peer.StandardError}");
            }
        }
    }

    /// <summary>Waits (bounded) until at least <paramref name="count"/> spans arrived.</summary>
    public Task<IReadOnlyList<AgentDatagram>> WaitForSpansAsync(int count, TimeSpan? timeout = null) =>
        WaitAsync(d => d.Sum(x => x.Spans.Count) >= count, timeout);

    public ValueTask DisposeAsync() => _peer.DisposeAsync();
}
