using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Trace;
using Tracing.Sdk.Sampling.JaegerGrpc;

namespace Tracing.Sdk.Sampling;

/// <summary>
/// The <c>remote</c> policy: decides with the strategy a Jaeger sampling endpoint (HTTP/JSON or gRPC)
/// last gave for this service (probabilistic, rate-limiting or per-operation), swapped in atomically when an answer
/// changes it. Until the first answer it samples with <c>InitialProbability</c>, tagged
/// <c>sampler.type=remote</c> so that such traces show no strategy had arrived yet. A bad answer
/// or a failed poll keeps the last good strategy.
/// </summary>
internal sealed class RemoteSampler : Sampler, ILateBindingSampler, IOperationSampler, IDisposable
{
    private readonly string _serviceName;
    private readonly int _maxOperations;
    private readonly TraceIdBits _bits;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly RemoteStrategyPoller _poller;
    private readonly object _applyLock = new();
    private Sampler _current;
    private SamplingStrategy? _strategy;
    private byte[]? _lastAnswer;

    public RemoteSampler(
        RemoteSamplerOptions options,
        int maxOperations,
        TraceIdBits bits,
        string serviceName,
        TimeProvider timeProvider,
        ILogger logger,
        Meter? meter = null,
        TimeSpan? requestTimeout = null)
    {
        _serviceName = serviceName;
        _maxOperations = Math.Max(1, maxOperations);
        _bits = bits;
        _timeProvider = timeProvider;
        _logger = logger;
        _current = new ProbabilisticSampler(options.InitialProbability, bits, SamplerTypes.Remote);
        InitialProbability = ((ProbabilisticSampler)_current).Probability;
        var timeout = requestTimeout ?? RemoteStrategyPoller.DefaultRequestTimeout;
        var client = RemoteSamplingEndpoint.CreateClient(options, serviceName, timeout);
        Protocol = client.Protocol;
        _poller = new RemoteStrategyPoller(
            this, client, options.Endpoint, TimeSpan.FromSeconds(options.PollingIntervalSeconds), timeProvider, logger, meter, timeout);
        Description = string.Create(
            CultureInfo.InvariantCulture, $"RemoteSampler{{{RemoteSamplingEndpoint.Name(Protocol)},{options.Endpoint},{InitialProbability}}}");
    }

    /// <summary>Raised after every poll with whether it succeeded.</summary>
    public event Action<bool>? Polled
    {
        add => _poller.Polled += value;
        remove => _poller.Polled -= value;
    }

    public double InitialProbability { get; }

    /// <summary>How the strategy is asked for: <see cref="RemoteSamplingProtocol.Http"/> or <see cref="RemoteSamplingProtocol.Grpc"/>, <c>auto</c> resolved.</summary>
    public RemoteSamplingProtocol Protocol { get; }

    /// <summary>What each poll requests.</summary>
    public Uri PollUri => _poller.Uri;

    /// <summary>The strategy in force, or null while the initial probability still decides.</summary>
    public SamplingStrategy? Strategy => Volatile.Read(ref _strategy);

    /// <summary>The sampler the current strategy decides with.</summary>
    public Sampler Current => Volatile.Read(ref _current);

    /// <summary>Polls finished so far.</summary>
    public int PollsCompleted => _poller.PollsCompleted;

    public void Start() => _poller.Start();

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
        Volatile.Read(ref _current).ShouldSample(samplingParameters);

    public SamplingResult SampleOperation(in ActivityTraceId traceId, string operationName) =>
        Volatile.Read(ref _current) is IOperationSampler operations
            ? operations.SampleOperation(traceId, operationName)
            : Volatile.Read(ref _current).ShouldSample(new SamplingParameters(default, traceId, operationName, ActivityKind.Server));

    public bool IsPending(Activity activity) => LateBinding.IsPending(activity);

    public bool Decide(Activity activity, string operationName) => LateBinding.Decide(activity, operationName, this);

    /// <summary>
    /// Accepts an answer from the endpoint, JSON (<see cref="RemoteSamplingProtocol.Http"/>) or a protobuf
    /// <c>SamplingStrategyResponse</c> (<see cref="RemoteSamplingProtocol.Grpc"/>): switches strategy when it
    /// differs from the last one. Never throws.
    /// </summary>
    public bool TryApply(ReadOnlyMemory<byte> answer, RemoteSamplingProtocol encoding, out string? error)
    {
        lock (_applyLock)
        {
            if (_lastAnswer is not null && answer.Span.SequenceEqual(_lastAnswer))
            {
                error = null;
                return true;
            }

            if (!TryDecode(answer, encoding, out var strategy, out error))
            {
                return false;
            }

            var next = Build(strategy, Volatile.Read(ref _current));
            Volatile.Write(ref _current, next);
            Volatile.Write(ref _strategy, strategy);
            _lastAnswer = answer.ToArray();
            SamplingLog.StrategyChanged(_logger, _serviceName, strategy.ToString());
            return true;
        }
    }

    public string DescribeStrategy() => Strategy is { } strategy
        ? strategy.ToString()
        : string.Create(CultureInfo.InvariantCulture, $"the initial probability {InitialProbability}");

    public void Dispose() => _poller.Dispose();

    /// <summary>Both encodings decode to the same strategy model, so everything after this is shared.</summary>
    private bool TryDecode(
        ReadOnlyMemory<byte> answer,
        RemoteSamplingProtocol encoding,
        [NotNullWhen(true)] out SamplingStrategy? strategy,
        [NotNullWhen(false)] out string? error)
    {
        if (encoding == RemoteSamplingProtocol.Grpc)
        {
            return SamplingStrategyResponseReader.TryRead(answer.Span, _maxOperations, out strategy, out error);
        }

        return SamplingStrategyParser.TryParse(answer, _maxOperations, out strategy, out error);
    }

    private Sampler Build(SamplingStrategy strategy, Sampler previous) => strategy.Kind switch
    {
        SamplingStrategyKind.Probabilistic => new ProbabilisticSampler(strategy.Value, _bits),
        SamplingStrategyKind.RateLimiting => new RateLimitingSampler(strategy.Value, _timeProvider),
        _ => new PerOperationSampler(strategy.Operations!, _maxOperations, _bits, _timeProvider, previous as PerOperationSampler),
    };
}
