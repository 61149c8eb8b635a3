using System.Collections.Concurrent;
using System.Diagnostics;
using OpenTelemetry.Trace;

namespace Tracing.Sdk.Sampling;

/// <summary>
/// The <c>peroperation</c> policy (Jaeger's adaptive / guaranteed-throughput sampler): each span name
/// gets its own <see cref="OperationSampler"/> (a probability plus a lower-bound rate limiter), created
/// on first sight. Span names are not trusted to be few: the table holds at most
/// <c>MaxOperations</c> names of at most <see cref="MaxNameLength"/> characters; any other name is
/// decided by the default probability alone, as Jaeger clients do beyond their cap.
/// ASP.NET Core entry spans are decided late, by route (<see cref="ILateBindingSampler"/>).
/// </summary>
internal sealed class PerOperationSampler : Sampler, ILateBindingSampler, IOperationSampler
{
    /// <summary>Longer names are not stored (a name is the table's key and is kept as long as the policy).</summary>
    public const int MaxNameLength = 512;

    private readonly ConcurrentDictionary<string, OperationSampler> _operations = new(StringComparer.Ordinal);
    private readonly PerOperationStrategy _strategy;
    private readonly TraceIdBits _bits;
    private readonly TimeProvider _timeProvider;
    private readonly ProbabilisticSampler _default;
    private readonly Dictionary<double, (ProbabilisticSampler Probability, SamplingResult LowerBound)> _byProbability = [];
    private int _count;

    /// <param name="strategy">Probabilities and lower bound.</param>
    /// <param name="maxOperations">The table's capacity.</param>
    /// <param name="bits">How probabilities read the trace id.</param>
    /// <param name="timeProvider">The lower-bound limiters' clock.</param>
    /// <param name="previous">
    /// The policy this one replaces (a new remote strategy): operations whose lower bound is unchanged
    /// keep their limiter, so a strategy update does not hand every operation a fresh credit.
    /// </param>
    public PerOperationSampler(PerOperationStrategy strategy, int maxOperations, TraceIdBits bits, TimeProvider timeProvider, PerOperationSampler? previous = null)
    {
        _strategy = strategy;
        _bits = bits;
        _timeProvider = timeProvider;
        MaxOperations = Math.Max(1, maxOperations);
        _default = Template(strategy.DefaultProbability).Probability;

        foreach (var (name, probability) in strategy.Operations)
        {
            Seed(name, probability, previous);
        }

        // Operations the previous policy had seen stay known (with the new default probability), as a
        // Jaeger client's table outlives strategy updates.
        if (previous is not null)
        {
            foreach (var name in previous._operations.Keys)
            {
                Seed(name, strategy.DefaultProbability, previous);
            }
        }

        Description = $"PerOperationSampler{{{strategy}}}";
    }

    public PerOperationStrategy Strategy => _strategy;

    public int MaxOperations { get; }

    /// <summary>How many operations the table holds (never more than <see cref="MaxOperations"/>).</summary>
    public int OperationCount => Volatile.Read(ref _count);

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters)
    {
        if (LateBinding.IsEntrySpan(samplingParameters))
        {
            return LateBinding.Pending();
        }

        var operation = Lookup(samplingParameters.Name);
        return operation is null ? _default.ShouldSample(samplingParameters) : operation.Sample(samplingParameters);
    }

    public SamplingResult SampleOperation(in ActivityTraceId traceId, string operationName)
    {
        var parameters = new SamplingParameters(default, traceId, operationName, ActivityKind.Server);
        var operation = Lookup(operationName);
        return operation is null ? _default.ShouldSample(parameters) : operation.Sample(parameters);
    }

    public bool IsPending(Activity activity) => LateBinding.IsPending(activity);

    public bool Decide(Activity activity, string operationName) => LateBinding.Decide(activity, operationName, this);

    private OperationSampler? Lookup(string? name)
    {
        name ??= string.Empty;
        if (_operations.TryGetValue(name, out var operation))
        {
            return operation;
        }

        return Add(name);
    }

    /// <summary>Adds a newly seen operation while the table has room; null when it is full (or the name too long).</summary>
    private OperationSampler? Add(string name)
    {
        if (name.Length > MaxNameLength)
        {
            return null;
        }

        // Reserve a slot first, so that racing threads can never take the table past its capacity.
        if (Interlocked.Increment(ref _count) > MaxOperations)
        {
            Interlocked.Decrement(ref _count);
            return null;
        }

        var created = CreateOperation(_strategy.DefaultProbability, limiter: null);
        var stored = _operations.GetOrAdd(name, created);
        if (!ReferenceEquals(stored, created))
        {
            Interlocked.Decrement(ref _count);
        }

        return stored;
    }

    private OperationSampler CreateOperation(double probability, RateLimiter? limiter)
    {
        var (sampler, lowerBoundResult) = Template(probability);
        limiter ??= new RateLimiter(
            _strategy.DefaultLowerBoundPerSecond,
            Math.Max(_strategy.DefaultLowerBoundPerSecond, 1),
            _timeProvider);
        return new OperationSampler(sampler, lowerBoundResult, limiter);
    }

    /// <summary>
    /// The probability sampler and lower-bound result for a probability, shared by every operation with
    /// that probability (with a configured policy that is all of them), so an operation costs one limiter.
    /// </summary>
    private (ProbabilisticSampler Probability, SamplingResult LowerBound) Template(double probability)
    {
        lock (_byProbability)
        {
            if (!_byProbability.TryGetValue(probability, out var template))
            {
                // Jaeger clients tag a lower-bound decision with the operation's probability.
                template = (
                    new ProbabilisticSampler(probability, _bits),
                    new SamplingResult(SamplingDecision.RecordAndSample, SamplerTags.Create(SamplerTypes.LowerBound, probability)));
                if (_byProbability.Count < 64)
                {
                    _byProbability[probability] = template;
                }
            }

            return template;
        }
    }

    private void Seed(string name, double probability, PerOperationSampler? previous)
    {
        if (_count >= MaxOperations || name.Length > MaxNameLength || _operations.ContainsKey(name))
        {
            return;
        }

        var limiter = previous?.ReusableLimiter(name, _strategy.DefaultLowerBoundPerSecond);
        _operations[name] = CreateOperation(probability, limiter);
        _count++;
    }

    private RateLimiter? ReusableLimiter(string name, double lowerBound) =>
        _operations.TryGetValue(name, out var operation) && operation.LowerBound.CreditsPerSecond == lowerBound
            ? operation.LowerBound
            : null;
}
