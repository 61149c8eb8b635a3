using System.Net;
using System.Net.Sockets;

namespace Tracing.Sdk.Tests.Support.Jaeger;

/// <summary>
/// Sends datagrams to a <see cref="JaegerAgentPeer"/> over a real loopback UDP socket, never more than
/// <c>window</c> ahead of what the agent has decoded: on a busy machine a burst larger than the
/// kernel's receive buffer would otherwise be dropped before the agent could read it. Lets a test say
/// "no loss when the receiver keeps up" and mean it.
/// </summary>
public sealed class PacedAgentSink : IDisposable
{
    private readonly JaegerAgentPeer _agent;
    private readonly int _window;
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private int _sent;

    public PacedAgentSink(JaegerAgentPeer agent, int window = 4)
    {
        _agent = agent;
        _window = window;
        _socket.Connect(new IPEndPoint(IPAddress.Loopback, agent.Port));
    }

    public int Sent => _sent;

    public bool Send(ReadOnlySpan<byte> datagram, int spanCount)
    {
        var decoded = _sent - _window + 1;
        if (decoded > 0)
        {
            _agent.WaitAsync(d => d.Count >= decoded).GetAwaiter().GetResult();
        }

        _socket.Send(datagram);
        _sent++;
        return true;
    }

    public void Dispose() => _socket.Dispose();
}
