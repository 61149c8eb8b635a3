using System.Net;
using System.Net.Sockets;
using Tracing.Sdk.Diagnostics;

namespace Tracing.Sdk.Exporters.JaegerUdp;

/// <summary>
/// The UDP socket to the agent. Connected, so that the kernel reports an ICMP port-unreachable from
/// an absent agent as <see cref="SocketError.ConnectionRefused"/> on a later send instead of losing
/// it silently. Sends never throw; every failure is returned and the socket recovers by itself. The
/// host name is resolved when first needed and again every <see cref="ResolveInterval"/> (sooner,
/// every <see cref="RetryInterval"/>, while it does not resolve), never per datagram.
/// </summary>
internal sealed class JaegerAgentClient : IDisposable
{
    public static readonly TimeSpan ResolveInterval = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(5);

    // A send only waits for kernel buffer space, but bound it all the same.
    private const int SendTimeoutMilliseconds = 1000;

    private readonly string _host;
    private readonly int _port;
    private readonly TimeProvider _timeProvider;
    private readonly Func<string, IPAddress[]> _resolve;
    private readonly bool _isAddress;
    private IPEndPoint? _endpoint;
    private Socket? _socket;
    private DateTimeOffset _nextResolve = DateTimeOffset.MinValue;
    private SocketError _lastError = SocketError.Success;
    private bool _disposed;

    public JaegerAgentClient(string host, int port, TimeProvider timeProvider, Func<string, IPAddress[]>? resolve = null)
    {
        _host = host.Trim();
        _port = port;
        _timeProvider = timeProvider;
        _resolve = resolve ?? Dns.GetHostAddresses;
        if (IPAddress.TryParse(_host.Trim('[', ']'), out var address))
        {
            _isAddress = true;
            _endpoint = new IPEndPoint(address, port);
        }
    }

    /// <summary>The error of the last failed send or resolution, <see cref="SocketError.Success"/> after a send went out.</summary>
    public SocketError LastError => _lastError;

    /// <summary>Where datagrams go now, or <see langword="null"/> while the host has never resolved.</summary>
    public IPEndPoint? Endpoint => _endpoint;

    /// <summary>Sends one datagram; returns whether the kernel took it.</summary>
    public bool Send(ReadOnlySpan<byte> datagram)
    {
        if (_disposed)
        {
            return false;
        }

        var socket = Connect();
        if (socket is null)
        {
            return false;
        }

        var sent = socket.Send(datagram, SocketFlags.None, out var error);
        if (error == SocketError.Success && sent == datagram.Length)
        {
            _lastError = SocketError.Success;
            return true;
        }

        Failed(error == SocketError.Success ? SocketError.MessageSize : error);

        // A refused send only reports an earlier ICMP port-unreachable: the socket is fine and the
        // next datagram goes out again (the agent may be back). Anything else: start afresh.
        if (error != SocketError.ConnectionRefused)
        {
            CloseSocket();
        }

        return false;
    }

    public void Dispose()
    {
        _disposed = true;
        CloseSocket();
    }

    private Socket? Connect()
    {
        if (!_isAddress && _timeProvider.GetUtcNow() >= _nextResolve)
        {
            Resolve();
        }

        if (_socket is not null || _endpoint is null)
        {
            return _socket;
        }

        Socket? socket = null;
        try
        {
            socket = new Socket(_endpoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp) { SendTimeout = SendTimeoutMilliseconds };
            socket.Connect(_endpoint);
            _socket = socket;
            return socket;
        }
        catch (SocketException ex)
        {
            socket?.Dispose();
            Failed(ex.SocketErrorCode);
            return null;
        }
    }

    private void Resolve()
    {
        IPAddress? chosen = null;
        try
        {
            // Agents listen on IPv4 far more often than IPv6 (and "localhost" may list both): prefer IPv4.
            var addresses = _resolve(_host);
            chosen = Array.Find(addresses, static a => a.AddressFamily == AddressFamily.InterNetwork)
                ?? (addresses.Length > 0 ? addresses[0] : null);
        }
        catch (Exception ex) when (ex is SocketException or ArgumentException)
        {
            TracingEventSource.Log.ExportFailed(ExporterNames.JaegerUdp, $"cannot resolve '{_host}': {ex.Message}");
        }

        if (chosen is null)
        {
            // Keep the last good address, if any: a DNS hiccup should not stop a working agent.
            _nextResolve = _timeProvider.GetUtcNow() + RetryInterval;
            if (_endpoint is null)
            {
                _lastError = SocketError.HostNotFound;
            }

            return;
        }

        _nextResolve = _timeProvider.GetUtcNow() + ResolveInterval;
        if (_endpoint is null || !_endpoint.Address.Equals(chosen))
        {
            _endpoint = new IPEndPoint(chosen, _port);
            CloseSocket();
        }
    }

    private void Failed(SocketError error)
    {
        // One event per change of state, not one per datagram.
        if (error != _lastError)
        {
            TracingEventSource.Log.ExportFailed(ExporterNames.JaegerUdp, $"sending to {_host}:{_port} failed: {error}");
        }

        _lastError = error;
    }

    private void CloseSocket()
    {
        _socket?.Dispose();
        _socket = null;
    }
}
