using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Time.Testing;
using Tracing.Sdk.Grpc;

namespace Tracing.Sdk.Tests.Grpc;

/// <summary>How a call's span ends, on a fake clock: once, with the status of the first ending.</summary>
public sealed class GrpcClientCallTests : IDisposable
{
    private readonly ActivitySource _source = new($"Tests.GrpcClientCall.{Guid.NewGuid():N}");
    private readonly ActivityListener _listener;
    private readonly List<Activity> _stopped = [];

    public GrpcClientCallTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = s => ReferenceEquals(s, _source),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { lock (_stopped) { _stopped.Add(a); } },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    [Fact]
    public void Cancellation_BeforeTheDeadline_IsCancelled_AfterIt_DeadlineExceeded()
    {
        var time = new FakeTimeProvider();
        var early = new GrpcClientCall(Start(), time, TimeSpan.FromSeconds(1));
        var late = new GrpcClientCall(Start(), time, TimeSpan.FromSeconds(1));

        early.EndWithException(new TaskCanceledException(), cancellationRequested: true);
        time.Advance(TimeSpan.FromSeconds(1));
        late.EndWithException(new TaskCanceledException(), cancellationRequested: true);

        Assert.Equal(1, early.Activity.GetTagItem("rpc.grpc.status_code"));
        Assert.Equal(4, late.Activity.GetTagItem("rpc.grpc.status_code"));
        Assert.Equal("Deadline Exceeded", late.Activity.StatusDescription);
    }

    [Fact]
    public void CancellationWithoutATimeout_IsCancelled_HoweverLate()
    {
        var time = new FakeTimeProvider();
        var call = new GrpcClientCall(Start(), time, timeout: null);
        time.Advance(TimeSpan.FromHours(1));
        call.EndDisposed();
        Assert.Equal(1, call.Activity.GetTagItem("rpc.grpc.status_code"));
    }

    [Fact]
    public void SeveralEndings_EndTheSpanOnce_WithTheFirstStatus()
    {
        var call = new GrpcClientCall(Start(), new FakeTimeProvider(), timeout: null);
        using var response = new HttpResponseMessage(HttpStatusCode.OK);
        response.TrailingHeaders.TryAddWithoutValidation("grpc-status", "0");

        call.EndFromTrailers(response);
        call.EndDisposed();
        call.EndWithException(new HttpRequestException("late"), cancellationRequested: false);

        Assert.Single(_stopped, a => ReferenceEquals(a, call.Activity));
        Assert.Equal(0, call.Activity.GetTagItem("rpc.grpc.status_code"));
        Assert.Equal(ActivityStatusCode.Unset, call.Activity.Status);
        Assert.Empty(call.Activity.Events);
    }

    [Fact]
    public void EndingFromAnotherFlow_LeavesThatFlowsCurrentActivity()
    {
        var call = new GrpcClientCall(Start(), new FakeTimeProvider(), timeout: null);
        Activity.Current = null;
        using var reader = _source.StartActivity("reader");
        call.EndDisposed();
        Assert.Same(reader, Activity.Current);
    }

    [Theory]
    [InlineData("5", "not%20found", 5, "not found")]
    [InlineData("abc", null, 2, null)] // not a number: UNKNOWN
    [InlineData("13", "100%", 13, "100%")] // a stray % is kept as sent
    public void StatusTrailer_IsRead_AndTheMessagePercentDecoded(string status, string? message, int code, string? description)
    {
        var call = new GrpcClientCall(Start(), new FakeTimeProvider(), timeout: null);
        using var response = new HttpResponseMessage(HttpStatusCode.OK);
        response.TrailingHeaders.TryAddWithoutValidation("grpc-status", status);
        if (message is not null)
        {
            response.TrailingHeaders.TryAddWithoutValidation("grpc-message", message);
        }

        call.EndFromTrailers(response);

        Assert.Equal(code, call.Activity.GetTagItem("rpc.grpc.status_code"));
        Assert.Equal(ActivityStatusCode.Error, call.Activity.Status);
        Assert.Equal(description, call.Activity.StatusDescription);
    }

    [Fact]
    public void UnexpectedException_IsInternal_AndRecorded()
    {
        var call = new GrpcClientCall(Start(), new FakeTimeProvider(), timeout: null);
        call.EndWithException(new InvalidOperationException("bad state"), cancellationRequested: false);
        Assert.Equal(13, call.Activity.GetTagItem("rpc.grpc.status_code"));
        Assert.Equal("exception", Assert.Single(call.Activity.Events).Name);
    }

    public void Dispose()
    {
        _listener.Dispose();
        _source.Dispose();
    }

    private Activity Start()
    {
        var activity = _source.StartActivity("call", ActivityKind.Client)!;
        Activity.Current = null;
        return activity;
    }
}
