using System.Net;
using System.Net.Http.Headers;
using Tracing.Sdk.Diagnostics;
using Tracing.Sdk.Exporters;
using Tracing.Sdk.Exporters.Otlp;
using Tracing.Sdk.Tests.Support;

namespace Tracing.Sdk.Tests.Exporters.Otlp;

/// <summary>
/// The client given to OpenTelemetry's exporter puts the retry stage in front of the exporter's own
/// client (which keeps its TLS and size settings), and that client, which sends a message only once,
/// gets a message of its own for every attempt.
/// </summary>
public sealed class OtlpHttpClientFactoryTests
{
    [Fact]
    public async Task Attempts_GoThroughTheExportersOwnClient_EachAsAMessageOfItsOwn()
    {
        var time = new RecordingTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var scripted = new ScriptedHttpHandler(time).Then(HttpStatusCode.ServiceUnavailable).Then(HttpStatusCode.BadGateway).Then(HttpStatusCode.OK);
        var transports = 0;
        using var metrics = new TracingMetrics();
        using var client = OtlpHttpClientFactory.Create(
            () =>
            {
                transports++;
                return new HttpClient(scripted);
            },
            OtlpRetryMode.Memory,
            TimeSpan.FromSeconds(10),
            4 * 1024 * 1024,
            time,
            metrics.ForExporter(ExporterNames.Otlp));

        using var request = new HttpRequestMessage(HttpMethod.Post, "http://collector:4318/v1/traces") { Content = new ByteArrayContent([1, 2, 3]) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        using var response = await time.DriveAsync(client.SendAsync(request));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, transports);
        var sent = scripted.Sent.Snapshot;
        Assert.Equal(3, sent.Count);
        Assert.Equal(3, sent.Select(s => s.Request).Distinct().Count());
        Assert.DoesNotContain(sent, s => ReferenceEquals(s.Request, request));
        Assert.All(sent, s => Assert.Equal([1, 2, 3], s.Body));
        Assert.Equal(TimeSpan.FromSeconds(10), client.Timeout);
    }

    [Fact]
    public async Task SynchronousSend_GoesThroughTheExportersOwnClientToo()
    {
        var time = new RecordingTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var scripted = new ScriptedHttpHandler(time).Then(HttpStatusCode.TooManyRequests).Then(HttpStatusCode.OK);
        using var metrics = new TracingMetrics();
        using var client = OtlpHttpClientFactory.Create(() => new HttpClient(scripted), OtlpRetryMode.Memory, TimeSpan.FromSeconds(10), 1024, time, metrics.ForExporter(ExporterNames.Otlp));

        using var request = new HttpRequestMessage(HttpMethod.Post, "http://collector:4318/v1/traces") { Content = new ByteArrayContent([4, 5]) };
        using var response = await time.DriveAsync(Task.Run(() => client.Send(request)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, scripted.Sent.Snapshot.Count);
        Assert.Equal(1, metrics.ForExporter(ExporterNames.Otlp).Totals.Retries);
    }
}
