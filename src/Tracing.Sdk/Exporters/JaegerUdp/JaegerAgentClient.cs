using System.Net;
using System.Net.Sockets;
using Tracing.Sdk.Diagnostics;

namespace Tracing.Sdk.Exporters.JaegerUdp;

/// <summary>
/// The UDP socket to the agent. Connected, so that the kernel reports an ICMP port-unreachable from
/// an absent agent as <see cref="SocketError.ConnectionRefused"/> on a later send instead of losing
/// it silently. Sends never throw; every failure is returned and the socket recovers by itself.
/// <para>
/// A host name is resolved in the background, never on the export path (a slow or hanging DNS server
/// must not hold the exporter, or its lock, for a lookup): first when the client is made, then every
/// <see cref="ResolveInterval"/>, or every <see cref="RetryInterval"/> while it does not resolve. A
/// send uses the last good address; until the first lookup succeeds, sends fail at once as
/// <see cref="SocketError.HostNotFound"/>.
/// </para>
/// </summary>
internal sealed class JaegerAgentClient : IDisposable
{
    public static readonly TimeSpan ResolveInterval = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(5);

    // A send only waits for kernel buffer space, but bound it all the same.
    private const int SendTimeoutMilliseconds = 1000;

    private readonly string _host;
    private readonly int _port;
    private readonly Func<string, CancellationToken, Task<IPAddress[]>>? _resolve;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ITimer? _refresh;
    private IPEndPoint? _endpoint;
    private Socket? _socket;
    private IPEndPoint? _socketEndpoint;
    private SocketError _lastError = SocketError.Success;
    private int _resolving;
    private volatile bool _disposed;

    public JaegerAgentClient(string host, int port, TimeProvider timeProvider, Func<string, CancellationToken, Task<IPAddress[]>>? resolve = null)
    {
        _host = host.Trim();
        _port = port;
        if (IPAddress.TryParse(_host.Trim('[', ']'), out var address))
        {
            _endpoint = new IPEndPoint(address, port);
            return;
        }

        _resolve = resolve ?? Dns.GetHostAddressesAsync;
        _refresh = timeProvider.CreateTimer(static state => ((JaegerAgentClient)state!).StartResolving(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        StartResolving();
    }

    /// <summary>The error of the last failed send or resolution, <see cref="SocketError.Success"/> after a send went out.</summary>
    public SocketError LastError => _lastError;

    /// <summary>Where datagrams go now, or <see langword="null"/> while the host has never resolved.</summary>
    public IPEndPoint? Endpoint => Volatile.Read(ref _endpoint);

    /// <summary>The latest background lookup (complete for an IP address), for tests to wait on.</summary>
    internal Task LastResolution { get; private set; } = Task.CompletedTask;

    /// <summary>Sends one datagram; returns whether the kernel took it. Never waits for a name lookup.</summary>
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
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _refresh?.Dispose();
        _stopping.Cancel();
        _stopping.Dispose();
        CloseSocket();
    }

    private Socket? Connect()
    {
        var endpoint = Volatile.Read(ref _endpoint);
        if (endpoint is null)
        {
            Failed(SocketError.HostNotFound);
            return null;
        }

        if (_socket is not null && endpoint.Equals(_socketEndpoint))
        {
            return _socket;
        }

        // First send, or the name now resolves elsewhere: (re)connect; a UDP connect sends nothing.
        CloseSocket();
        Socket? socket = null;
        try
        {
            socket = new Socket(endpoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp) { SendTimeout = SendTimeoutMilliseconds };
            socket.Connect(endpoint);
            _socket = socket;
            _socketEndpoint = endpoint;
            return socket;
        }
        catch (SocketException ex)
        {
            socket?.Dispose();
            Failed(ex.SocketErrorCode);
            return null;
        }
    }

    private void StartResolving()
    {
        if (_disposed || Interlocked.Exchange(ref _resolving, 1) != 0)
        {
            return;
        }

        // Off the caller's thread (the constructor, the timer): a resolver may block.
        LastResolution = Task.Run(ResolveAsync);
    }

    private async Task ResolveAsync()
    {
        IPAddress? chosen = null;
        try
        {
            // Agents listen on IPv4 far more often than IPv6 (and "localhost" may list both): prefer IPv4.
            var addresses = await _resolve!(_host, _stopping.Token).ConfigureAwait(false) ?? [];
            chosen = Array.Find(addresses, static a => a.AddressFamily == AddressFamily.InterNetwork)
                ?? (addresses.Length > 0 ? addresses[0] : null);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            if (!_disposed)
            {
                TracingEventSource.Log.ExportFailed(ExporterNames.JaegerUdp, $"cannot resolve '{_host}': {ex.Message}");
            }
        }
        finally
        {
            Volatile.Write(ref _resolving, 0);
        }

        if (_disposed)
        {
            return;
        }

        // A failed lookup keeps the last good address: a DNS hiccup should not stop a working agent.
        if (chosen is not null && Volatile.Read(ref _endpoint)?.Address.Equals(chosen) != true)
        {
            Volatile.Write(ref _endpoint, new IPEndPoint(chosen, _port));
        }

        try
        {
            _refresh!.Change(chosen is null ? RetryInterval : ResolveInterval, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // Disposed meanwhile.
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
        _socketEndpoint = null;
    }
}
