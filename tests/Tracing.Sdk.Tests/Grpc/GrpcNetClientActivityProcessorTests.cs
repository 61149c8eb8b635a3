using System.Diagnostics;
using Tracing.Sdk.Grpc;

namespace Tracing.Sdk.Tests.Grpc;

/// <summary>
/// Grpc.Net.Client's own Activity, recorded by the app (here through the <c>Grpc.Net.Client</c>
/// source, as <c>AddSource("Grpc.Net.Client")</c> does), is described as the SDK's gRPC span.
/// </summary>
public sealed class GrpcNetClientActivityProcessorTests : IDisposable
{
    private readonly ActivitySource _grpcNetClient = new("Grpc.Net.Client");
    private readonly ActivityListener _listener;
    private readonly GrpcNetClientActivityProcessor _processor = new();

    public GrpcNetClientActivityProcessorTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = s => ReferenceEquals(s, _grpcNetClient),
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    [Fact]
    public void RecordedGrpcOut_GetsTheSdksNameAndAttributes_AndLosesTheLibrarys()
    {
        var activity = Start();
        activity.SetTag("grpc.status_code", "5");
        activity.SetTag("error.type", "NOT_FOUND");
        activity.SetTag("app.tenant", "blue");
        activity.SetStatus(ActivityStatusCode.Error);
        Stop(activity);

        Assert.Equal("greet.Greeter/SayHello", activity.DisplayName);
        Assert.Equal(
            ["app.tenant", "rpc.grpc.status_code", "rpc.method", "rpc.service", "rpc.system"],
            // (A tracing host running beside this test samples the source too, and tags its decision.)
            activity.TagObjects.Select(t => t.Key).Where(k => !k.StartsWith("sampler.", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Assert.Equal(5, activity.GetTagItem("rpc.grpc.status_code"));
        Assert.Equal("SayHello", activity.GetTagItem("rpc.method"));
        Assert.Equal(ActivityStatusCode.Error, activity.Status);
    }

    [Fact]
    public void StatusFromTheInstrumentationsName_IsTheCode_AndOkIsNoError()
    {
        // As OpenTelemetry's instrumentation does in its start event: the method tag off, the Activity named.
        var activity = Start();
        activity.SetTag("grpc.method", null);
        activity.DisplayName = "greet.Greeter/SayHello";
        activity.SetTag("rpc.response.status_code", "OK");
        Stop(activity);

        Assert.Equal(0, activity.GetTagItem("rpc.grpc.status_code"));
        Assert.Null(activity.GetTagItem("rpc.response.status_code"));
        Assert.Equal(ActivityStatusCode.Unset, activity.Status);
    }

    [Fact]
    public void MethodTag_KeptUntilTheEnd_NamesTheSpan()
    {
        var activity = Start();
        activity.SetTag("grpc.status_code", "0");
        Stop(activity);

        Assert.Equal("greet.Greeter/SayHello", activity.DisplayName);
        Assert.Equal("greet.Greeter", activity.GetTagItem("rpc.service"));
        Assert.Equal(0, activity.GetTagItem("rpc.grpc.status_code"));
        Assert.Null(activity.GetTagItem("grpc.method"));
    }

    [Fact]
    public void OtherActivities_AreLeftAlone()
    {
        using var other = _grpcNetClient.StartActivity("Something.Else")!;
        other.SetTag("grpc.method", "/greet.Greeter/SayHello");
        _processor.OnStart(other);
        other.Stop();
        _processor.OnEnd(other);

        Assert.Equal("Something.Else", other.DisplayName);
        Assert.Equal("/greet.Greeter/SayHello", other.GetTagItem("grpc.method"));
    }

    public void Dispose()
    {
        _processor.Dispose();
        _listener.Dispose();
        _grpcNetClient.Dispose();
    }

    /// <summary>As Grpc.Net.Client does: the method tag first, then the start.</summary>
    private Activity Start()
    {
        var activity = _grpcNetClient.CreateActivity("Grpc.Net.Client.GrpcOut", ActivityKind.Client)!;
        activity.AddTag("grpc.method", "/greet.Greeter/SayHello");
        activity.Start();
        _processor.OnStart(activity);
        return activity;
    }

    private void Stop(Activity activity)
    {
        activity.Stop();
        _processor.OnEnd(activity);
    }
}
