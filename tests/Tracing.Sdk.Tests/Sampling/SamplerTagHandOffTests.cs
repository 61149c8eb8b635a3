using System.Diagnostics;

namespace Tracing.Sdk.Tests.Sampling;

/// <summary>
/// <c>sampler.type</c>/<c>sampler.param</c> travel from the sampling decision to the span it was made for
/// through a per-thread slot (no sampling attributes): which spans get them, through a real AddTracing host.
/// </summary>
public sealed class SamplerTagHandOffTests
{
    [Fact]
    public async Task KeptRoot_CarriesThePolicyTags_AndItsLocalChildrenNone()
    {
        await using var service = await TracedService.StartAsync(new() { ["Tracing:Sampler:Type"] = "const", ["Tracing:Sampler:Param"] = "1" });

        using var root = service.StartRoot("root");
        using var child = service.Source.StartActivity("child");

        Assert.Equal("const", root!.GetTagItem("sampler.type"));
        Assert.Equal(true, root.GetTagItem("sampler.param"));
        Assert.Same(root, child!.Parent);
        Assert.True(child.Recorded);
        Assert.Null(child.GetTagItem("sampler.type"));
        Assert.Null(child.GetTagItem("sampler.param"));
    }

    [Fact]
    public async Task NotParentBased_LocalChildrenCarryThePolicyTagsToo()
    {
        await using var service = await TracedService.StartAsync(new()
        {
            ["Tracing:Sampler:Type"] = "probabilistic",
            ["Tracing:Sampler:Param"] = "1",
            ["Tracing:Sampler:ParentBased"] = "false",
        });

        using var root = service.StartRoot("root");
        using var child = service.Source.StartActivity("child");
        using var grandchild = service.Source.StartActivity("grandchild");

        foreach (var span in new[] { root!, child!, grandchild! })
        {
            Assert.True(span.Recorded);
            Assert.Equal("probabilistic", span.GetTagItem("sampler.type"));
            Assert.Equal(1.0, span.GetTagItem("sampler.param"));
        }

        Assert.Same(child, grandchild!.Parent);
    }

    [Fact]
    public async Task ARootCreatedNow_AndStartedLater_GetsItsTags_WhateverLocalChildrenStartInBetween()
    {
        await using var service = await TracedService.StartAsync(new() { ["Tracing:Sampler:Type"] = "const", ["Tracing:Sampler:Param"] = "1" });
        using var parent = service.StartRoot("parent");

        // Sampled now, started later (ActivitySource.CreateActivity): its decision waits for it.
        Activity.Current = null;
        using var later = service.Source.CreateActivity("later", ActivityKind.Internal);
        Activity.Current = parent;
        using (var child = service.Source.StartActivity("child"))
        {
            Assert.Same(parent, child!.Parent);
            Assert.Null(child.GetTagItem("sampler.type"));
        }

        Activity.Current = null;
        later!.Start();

        Assert.Null(later.Parent);
        Assert.Equal("const", later.GetTagItem("sampler.type"));
        Assert.Equal("const", parent!.GetTagItem("sampler.type"));
    }

    [Fact]
    public async Task ARootCreatedButNeverStarted_LendsItsTagsToNoOtherSpan()
    {
        // The waiting decision names its span by trace id and parent: a span of the same trace under a
        // remote parent is not that span.
        await using var service = await TracedService.StartAsync(new() { ["Tracing:Sampler:Type"] = "const", ["Tracing:Sampler:Param"] = "1" });

        Activity.Current = null;
        using var abandoned = service.Source.CreateActivity("abandoned", ActivityKind.Internal);
        Assert.NotNull(abandoned);

        var remote = new ActivityContext(abandoned!.TraceId, ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, isRemote: true);
        using var continued = service.Source.StartActivity("continued", ActivityKind.Server, remote);

        Assert.True(continued!.Recorded);
        Assert.Null(continued.GetTagItem("sampler.type")); // parent-based: the caller decided
        Assert.Null(abandoned.GetTagItem("sampler.type"));
    }
}
