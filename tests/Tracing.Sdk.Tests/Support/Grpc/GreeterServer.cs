using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Tracing.Sdk.Tests.Support.Otlp;

namespace Tracing.Sdk.Tests.Support.Grpc;

/// <summary>
/// A real Grpc.AspNetCore service (<see cref="GreeterService"/>) over HTTP/2 cleartext on 127.0.0.1,
/// with AddTracing exporting its server spans to an <see cref="OtlpReceiver"/>.
/// </summary>
public sealed class GreeterServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private GreeterServer(WebApplication app, string serviceName)
    {
        _app = app;
        ServiceName = serviceName;
    }

    public string ServiceName { get; }

    public string Address => _app.BaseAddress();

    public Uri Uri => new(Address);

    public static async Task<GreeterServer> StartAsync(OtlpReceiver receiver, IDictionary<string, string?>? settings = null)
    {
        var serviceName = $"greeter-{Guid.NewGuid():N}";
        var configuration = TracingHost.OtlpSettings(receiver, serviceName);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        var app = await TracingHost.StartWebAsync(
            configuration,
            app => app.MapGrpcService<GreeterService>(),
            builder =>
            {
                builder.Services.AddGrpc();
                builder.WebHost.ConfigureKestrel(k => k.ConfigureEndpointDefaults(l => l.Protocols = HttpProtocols.Http2));
            });
        return new GreeterServer(app, serviceName);
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
