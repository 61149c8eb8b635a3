using System.Diagnostics;

namespace Tracing.Sdk.Tests.Support;

/// <summary>A private ActivitySource with its own listener that records everything, for tests of processors and renderers.</summary>
public sealed class TestActivities : IDisposable
{
    private readonly ActivityListener _listener;

    public TestActivities()
    {
        Source = new ActivitySource($"Test.{Guid.NewGuid():N}");
        _listener = new ActivityListener
        {
            ShouldListenTo = s => ReferenceEquals(s, Source),
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public ActivitySource Source { get; }

    public Activity Start(string name, ActivityKind kind = ActivityKind.Internal, ActivityContext parent = default) =>
        Source.StartActivity(name, kind, parent) ?? throw new InvalidOperationException("not sampled");

    public void Dispose()
    {
        _listener.Dispose();
        Source.Dispose();
    }
}
