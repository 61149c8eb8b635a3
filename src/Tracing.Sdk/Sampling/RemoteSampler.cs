using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Trace;

namespace Tracing.Sdk.Sampling;

/// <summary>
/// The <c>remote</c> policy: decides with the strategy a Jaeger sampling endpoint last gave for this
/// service (probabilistic, rate-limiting or per-operation), swapped in atomically when an answer
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
        _poller = new RemoteStrategyPoller(
            this, options.Endpoint, serviceName, TimeSpan.FromSeconds(options.PollingIntervalSeconds), timeProvider, logger, meter, requestTimeout);
        Description = string.Create(CultureInfo.InvariantCulture, $"RemoteSampler{{{options.Endpoint},{InitialProbability}}}");
    }

    /// <summary>Raised after every poll with whether it succeeded.</summary>
    public event Action<bool>? Polled
    {
        add => _poller.Polled += value;
        remove => _poller.Polled -= value;
    }

    public double InitialProbability { get; }

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

    /// <summary>Accepts an answer from the endpoint: switches strategy when it differs from the last one. Never throws.</summary>
    public bool TryApply(byte[] answer, out string? error)
    {
        lock (_applyLock)
        {
            if (_lastAnswer is not null && answer.AsSpan().SequenceEqual(_lastAnswer))
            {
                error = null;
                return true;
            }

            if (!SamplingStrategyParser.TryParse(answer, _maxOperations, out var strategy, out error))
            {
                return false;
            }

            var next = Build(strategy, Volatile.Read(ref _current));
            Volatile.Write(ref _current, next);
            Volatile.Write(ref _strategy, strategy);
            _lastAnswer = answer;
            SamplingLog.StrategyChanged(_logger, _serviceName, strategy.ToString());
            return true;
        }
    }

    public string DescribeStrategy() => Strategy is { } strategy
        ? strategy.ToString()
        : string.Create(CultureInfo.InvariantCulture, $"the initial probability {InitialProbability}");

    public void Dispose() => _poller.Dispose();

    private Sampler Build(SamplingStrategy strategy, Sampler previous) => strategy.Kind switch
    {
        SamplingStrategyKind.Probabilistic => new ProbabilisticSampler(strategy.Value, _bits),
        SamplingStrategyKind.RateLimiting => new RateLimitingSampler(strategy.Value, _timeProvider),
        _ => new PerOperationSampler(strategy.Operations!, _maxOperations, _bits, _timeProvider, previous as PerOperationSampler),
    };
}
