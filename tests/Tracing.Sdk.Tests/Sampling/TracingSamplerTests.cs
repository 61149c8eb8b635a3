using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry.Trace;
using Tracing.Sdk.Propagation;
using Tracing.Sdk.Sampling;
using static Tracing.Sdk.Tests.Sampling.SamplingTestKit;

namespace Tracing.Sdk.Tests.Sampling;

/// <summary>Parent-based composition and debug handling around any policy.</summary>
public sealed class TracingSamplerTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ParentBased_RemoteParentDecides_WhateverThePolicy(bool parentSampled)
    {
        var sampler = new TracingSampler(new ConstSampler(!parentSampled), parentBased: true);

        var result = sampler.ShouldSample(Child(RemoteParent(parentSampled)));

        Assert.Equal(parentSampled, result.IsSampled());
        Assert.Empty(result.Attributes); // only roots say why they were kept
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(false, false)]
    public void DeferredRemoteParent_IsDecidedByThePolicy_ParentBasedOrNot(bool policySamples, bool parentBased)
    {
        // B3 "defer": the caller's ids came with no decision, so its (unset) sampled flag means nothing.
        var sampler = new TracingSampler(new ConstSampler(policySamples), parentBased);
        var parent = DeferredSampling.Context(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom());

        var result = sampler.ShouldSample(Child(parent, kind: ActivityKind.Server));

        Assert.Equal(policySamples, result.IsSampled());
        if (policySamples)
        {
            Assert.Equal("const", result.Tag("sampler.type")); // the policy decided, and says so as for a root
            Assert.Equal(string.Empty, result.TraceStateString); // clears the mark from the span it records
        }
    }

    [Fact]
    public void DeferredRemoteParent_IsDecidedByTheTraceId_UnderAProbabilisticPolicy()
    {
        var policy = new ProbabilisticSampler(0.1, TraceIdBits.W3c);
        var sampler = new TracingSampler(policy, parentBased: true);
        var random = new Random(11);
        var sampled = 0;
        for (var i = 0; i < 10_000; i++)
        {
            var traceId = i % 2 == 0 ? Random128(random) : ZeroPadded64(random);
            var decided = sampler.ShouldSample(Child(DeferredSampling.Context(traceId, ActivitySpanId.CreateRandom()))).IsSampled();

            Assert.Equal(policy.IsSampled(traceId), decided);
            sampled += decided ? 1 : 0;
        }

        // Fixed seed: 10% of 10,000 within ±1.5 points (about five standard deviations), 64-bit ids included.
        Assert.InRange(sampled, 850, 1150);
    }

    [Fact]
    public void TheMark_OnALocalParent_DecidesNothing()
    {
        // A local span that still holds the mark (dropped under a deferred caller) was decided: its children follow it.
        var sampler = new TracingSampler(new ConstSampler(true), parentBased: true);
        var parent = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.None, DeferredSampling.TraceState);

        Assert.False(sampler.ShouldSample(Child(parent)).IsSampled());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void DeferredRemoteParent_InAProvider_ContinuesTheIds_AndTheRecordedSpanHasNoMark(bool policySamples)
    {
        using var provider = Provider(new TracingSampler(new ConstSampler(policySamples), parentBased: true));
        var parent = DeferredSampling.Context(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom());

        using var span = provider.Source.StartActivity("server", ActivityKind.Server, parent)!;

        Assert.Equal(parent.TraceId, span.TraceId);
        Assert.Equal(parent.SpanId, span.ParentSpanId);
        Assert.Equal(policySamples, span.Recorded);
        if (policySamples)
        {
            Assert.True(string.IsNullOrEmpty(span.TraceStateString));
        }
        else
        {
            // OpenTelemetry keeps a dropped span's tracestate; the integrations clear it (InternalTraceState.Forget).
            InternalTraceState.Forget(span);
            Assert.Null(span.TraceStateString);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ParentBased_LocalParentDecides(bool parentSampled)
    {
        var sampler = new TracingSampler(new ConstSampler(!parentSampled), parentBased: true);
        var parent = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), parentSampled ? ActivityTraceFlags.Recorded : ActivityTraceFlags.None);

        Assert.Equal(parentSampled, sampler.ShouldSample(Child(parent)).IsSampled());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ParentBased_RootsConsultThePolicy(bool policySamples)
    {
        var sampler = new TracingSampler(new ConstSampler(policySamples), parentBased: true);

        var result = sampler.ShouldSample(Root(ActivityTraceId.CreateRandom()));

        Assert.Equal(policySamples, result.IsSampled());
    }

    [Fact]
    public void NotParentBased_EverySpanConsultsThePolicy()
    {
        var dropAll = new TracingSampler(new ConstSampler(false), parentBased: false);
        var keepAll = new TracingSampler(new ConstSampler(true), parentBased: false);

        Assert.False(dropAll.ShouldSample(Child(RemoteParent(sampled: true))).IsSampled());
        Assert.True(keepAll.ShouldSample(Child(RemoteParent(sampled: false))).IsSampled());
        Assert.Equal("const", keepAll.ShouldSample(Child(RemoteParent(sampled: false))).Tag("sampler.type"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void DebugRemoteParent_IsSampledWhateverThePolicyAndParentFlags(bool parentBased)
    {
        var sampler = new TracingSampler(new ConstSampler(false), parentBased);
        var parent = DebugSampling.Context(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), sampled: false, debugId: null);

        var result = sampler.ShouldSample(Child(parent));

        Assert.True(result.IsSampled());
        Assert.Equal(true, result.Tag(DebugSampling.SpanTag));
        Assert.Null(result.Tag(DebugSampling.DebugIdTag));
        Assert.Equal(string.Empty, result.TraceStateString); // the request does not stay on the span
    }

    [Fact]
    public void DebugRemoteParentWithAnId_CarriesTheJaegerDebugId()
    {
        var sampler = new TracingSampler(new ConstSampler(false), parentBased: true);
        var parent = DebugSampling.Context(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), sampled: true, "ticket-42");

        var result = sampler.ShouldSample(Child(parent));

        Assert.Equal(true, result.Tag(DebugSampling.SpanTag));
        Assert.Equal("ticket-42", result.Tag(DebugSampling.DebugIdTag));
    }

    [Fact]
    public void HostingRootDebugRequest_SamplesThatEntrySpan_Once()
    {
        var sampler = new TracingSampler(new ConstSampler(false), parentBased: true);
        HostingRootDebug.Offer(sampler.DebugGate, "from-curl", trusted: false);

        var debugRoot = sampler.ShouldSample(Root(ActivityTraceId.CreateRandom(), LateBinding.EntrySpanName, ActivityKind.Server));
        var nextRoot = sampler.ShouldSample(Root(ActivityTraceId.CreateRandom(), LateBinding.EntrySpanName, ActivityKind.Server));

        Assert.True(debugRoot.IsSampled());
        Assert.Equal(true, debugRoot.Tag(DebugSampling.SpanTag));
        Assert.Equal("from-curl", debugRoot.Tag(DebugSampling.DebugIdTag));
        Assert.False(nextRoot.IsSampled());
    }

    [Fact]
    public void HostingRootDebugRequest_WinsOverALateBindingEntrySpan()
    {
        var policy = new PerOperationSampler(new PerOperationStrategy(0, 0), 10, TraceIdBits.W3c, TimeProvider.System);
        var sampler = new TracingSampler(policy, parentBased: true);
        HostingRootDebug.Offer(sampler.DebugGate, "abc", trusted: true);

        var result = sampler.ShouldSample(Root(ActivityTraceId.CreateRandom(), LateBinding.EntrySpanName, ActivityKind.Server));

        Assert.Equal(true, result.Tag(DebugSampling.SpanTag));
        Assert.Null(result.Tag(LateBinding.PendingTag));
    }

    [Fact]
    public void HostingRootDebugRequest_IsTakenByNoOtherRoot_AndByNoOtherHostsSampler()
    {
        // Only the entry span hosting creates for the request, sampled by that host, receives it.
        var sampler = new TracingSampler(new ConstSampler(false), parentBased: true);
        var otherHost = new TracingSampler(new ConstSampler(false), parentBased: true);
        HostingRootDebug.Offer(sampler.DebugGate, "stray", trusted: true);

        var internalRoot = sampler.ShouldSample(Root(ActivityTraceId.CreateRandom()));
        var consumer = sampler.ShouldSample(Root(ActivityTraceId.CreateRandom(), "process orders", ActivityKind.Consumer));
        var otherHostsEntry = otherHost.ShouldSample(Root(ActivityTraceId.CreateRandom(), LateBinding.EntrySpanName, ActivityKind.Server));
        var entry = sampler.ShouldSample(Root(ActivityTraceId.CreateRandom(), LateBinding.EntrySpanName, ActivityKind.Server));

        Assert.False(internalRoot.IsSampled());
        Assert.False(consumer.IsSampled());
        Assert.False(otherHostsEntry.IsSampled());
        Assert.True(entry.IsSampled());
    }

    [Fact]
    public void HostingRootDebugRequest_IsGoneOnceCleared()
    {
        // Every hosting extraction starts by clearing the slot: a request nobody took never reaches a later span.
        var sampler = new TracingSampler(new ConstSampler(false), parentBased: true);
        HostingRootDebug.Offer(sampler.DebugGate, "abandoned", trusted: true);
        HostingRootDebug.Clear();

        Assert.False(sampler.ShouldSample(Root(ActivityTraceId.CreateRandom(), LateBinding.EntrySpanName, ActivityKind.Server)).IsSampled());
    }

    [Fact]
    public void LocalChildOfADebugSpan_IsSampledAndTaggedDebug_EvenWhenThePolicyConsultsEverySpan()
    {
        var sampler = new TracingSampler(new ConstSampler(false), parentBased: false);
        using var provider = Provider(sampler);
        Activity.Current = null;
        HostingRootDebug.Offer(sampler.DebugGate, "xyz", trusted: true);

        using var root = provider.Source.StartActivity(LateBinding.EntrySpanName, ActivityKind.Server);
        using var child = provider.Source.StartActivity("child");
        using var grandchild = provider.Source.StartActivity("grandchild");

        Assert.True(root!.Recorded);
        Assert.Equal("xyz", root.GetTagItem(DebugSampling.DebugIdTag));
        Assert.True(child!.Recorded);
        Assert.Equal(true, child.GetTagItem(DebugSampling.SpanTag));
        Assert.Null(child.GetTagItem(DebugSampling.DebugIdTag)); // the id stays on the span that received it
        Assert.True(grandchild!.Recorded);
        Assert.Equal(true, grandchild.GetTagItem(DebugSampling.SpanTag));
    }

    [Theory]
    [InlineData(true, true, true)] // the caller's own sampled flag stands, parent-based
    [InlineData(false, true, false)] // no flag of its own: the policy decides (const off)
    [InlineData(true, false, false)] // not parent-based: the policy decides
    public void RefusedDebugRequest_IsDecidedAsIfTheHeaderHadNotBeenSent(bool callerSampled, bool parentBased, bool expected)
    {
        var clock = new FakeTimeProvider();
        var gate = new DebugSamplingGate(new DebugSamplerOptions { MaxPerSecond = 0 }, clock, metrics: null);
        var sampler = new TracingSampler(new ConstSampler(false), parentBased, gate);
        var parent = DebugSampling.Context(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), callerSampled, "ticket-1");

        var result = sampler.ShouldSample(Child(parent, kind: ActivityKind.Server));

        Assert.Equal(expected, result.IsSampled());
        Assert.Null(result.Tag(DebugSampling.SpanTag));
        if (expected)
        {
            Assert.Equal(string.Empty, result.TraceStateString); // the request does not stay on the span
        }
    }

    [Fact]
    public void TrustedDebugRequest_IsHonouredEvenWithNoBudget()
    {
        var gate = new DebugSamplingGate(new DebugSamplerOptions { MaxPerSecond = 0 }, new FakeTimeProvider(), metrics: null);
        var sampler = new TracingSampler(new ConstSampler(false), parentBased: false, gate);
        var parent = DebugSampling.Context(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), sampled: false, debugId: null);
        var trusted = new ActivityContext(parent.TraceId, parent.SpanId, parent.TraceFlags, DebugSampling.AsTrusted(parent.TraceState), isRemote: true);

        Assert.False(sampler.ShouldSample(Child(parent)).IsSampled());
        Assert.True(sampler.ShouldSample(Child(trusted)).IsSampled());
    }

    [Fact]
    public void RemoteParentDecision_WithADebugRequestSeenBefore_AllocatesNothing()
    {
        // Nothing about earlier debug requests is kept: an ordinary remote parent costs what it did.
        var sampler = new TracingSampler(new ProbabilisticSampler(0.5, TraceIdBits.W3c), parentBased: true);
        sampler.ShouldSample(Child(DebugSampling.Context(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), sampled: true, debugId: null)));
        var child = Child(RemoteParent(sampled: true));

        Assert.Equal(0, AllocatedBytes(() => sampler.ShouldSample(child)));
    }

    [Fact]
    public void LocalChildOfAnOrdinarySpan_IsNotTaggedDebug()
    {
        using var provider = Provider(new TracingSampler(new ConstSampler(true), parentBased: true));
        Activity.Current = null;

        using var root = provider.Source.StartActivity("root", ActivityKind.Server);
        using var child = provider.Source.StartActivity("child");

        Assert.Null(child!.GetTagItem(DebugSampling.SpanTag));
    }

    [Fact]
    public void RootDecision_AllocatesNothing()
    {
        var sampler = new TracingSampler(new ProbabilisticSampler(0.5, TraceIdBits.W3c), parentBased: true);
        var root = Root(ActivityTraceId.CreateRandom());
        var child = Child(RemoteParent(sampled: true));

        Assert.Equal(0, AllocatedBytes(() =>
        {
            sampler.ShouldSample(root);
            sampler.ShouldSample(child);
        }));
    }
}
