using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Tracing.Sdk.Tests.Support.Grpc;
using Tracing.Sdk.Tests.Support.Otlp;

namespace Tracing.Sdk.Tests.Grpc;

/// <summary>
/// One grpc-js peer, one OTLP receiver and one traced client host for a test class. The host's
/// <c>echo</c> client is wired the IHttpClientFactory way (<c>AddGrpcTracing()</c>) with the W3C
/// propagator registered in DI, so its headers do not depend on process-wide state.
/// </summary>
public sealed class GrpcPeerFixture : IAsyncLifetime
{
    public const string ClientName = "echo";

    public GrpcPeer Peer { get; private set; } = null!;

    public OtlpReceiver Receiver { get; private set; } = null!;

    public TracedClientHost Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Peer = await GrpcPeer.StartAsync();
        Receiver = await OtlpReceiver.StartAsync();
        Host = await TracedClientHost.StartAsync(Receiver, services: services =>
        {
            services.AddSingleton(DistributedContextPropagator.CreateW3CPropagator());
            services.AddHttpClient(ClientName).AddGrpcTracing();
        });
    }

    /// <summary>The host's factory-made client (AddGrpcTracing) calling the peer.</summary>
    public GrpcTestClient FactoryClient() =>
        new(Host.Services.GetRequiredService<IHttpClientFactory>().CreateClient(ClientName), Peer.Address);

    /// <summary>Waits until the span <paramref name="lastSpanId"/> (the test's parent, ended last) arrived, then returns the trace.</summary>
    public async Task<IReadOnlyList<ReceivedSpan>> TraceAsync(string traceId, string lastSpanId)
    {
        var spans = await Receiver.WaitForSpansAsync(all => all.Any(s => s.SpanId == lastSpanId));
        return spans.Where(s => s.TraceId == traceId).ToList();
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Receiver.DisposeAsync();
        await Peer.DisposeAsync();
    }
}
