using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tracing.Sdk.Hosting;
using Tracing.Sdk.Sampling;
using Tracing.Sdk.Conventions;

namespace Tracing.Sdk.AspNetCore;

/// <summary>
/// One host's ASP.NET Core integration state, shared by the middleware, the trust-aware propagator and
/// the span processor. Everything is read lazily: the propagator is built by hosting before options
/// are validated, and the late-binding sampler exists only once the pipeline has started.
/// </summary>
internal sealed class AspNetCoreTracing : IDisposable
{
    private readonly IOptions<TracingOptions> _options;
    private readonly ConfiguredSampler _sampler;
    private readonly IServiceProvider _services;
    private readonly object _gate = new();
    private AspNetCoreSettings? _settings;
    private ForwardedClientAddress? _forwarded;
    private HostingDiagnosticsObserver? _diagnostics;
    private ILateBindingSampler? _registeredSampler;
    private bool _registeredSamplerResolved;
    private ServerHost? _lastHost;
    private IHttpContextAccessor? _accessor;
    private bool _accessorResolved;

    public AspNetCoreTracing(IOptions<TracingOptions> options, ConfiguredSampler sampler, IServiceProvider services)
    {
        _options = options;
        _sampler = sampler;
        _services = services;
    }

    public AspNetCoreSettings Settings => _settings ??= AspNetCoreSettings.Create(
        _options.Value,
        _services.GetService<IOptions<ServerSpanHooks>>()?.Value ?? new ServerSpanHooks(),
        HttpMethodNames.FromOverride((_services.GetService<OtelEnvironment>() ?? new OtelEnvironment()).Get(SemanticConventions.KnownMethodsVariable)));

    /// <summary>How forwarded-headers processing will report the caller's address (the app's <see cref="ForwardedHeadersOptions"/>).</summary>
    public ForwardedClientAddress ForwardedAddress => _forwarded ??= new ForwardedClientAddress(
        _services.GetService<IOptions<ForwardedHeadersOptions>>()?.Value ?? new ForwardedHeadersOptions());

    /// <summary>The host's debug budget, which the sampler spends (<c>Sampler:Debug</c>).</summary>
    public DebugSamplingGate DebugGate => _sampler.DebugGate;

    /// <summary>
    /// The pipeline's late-binding sampler when its policy keys on operation names; else one registered
    /// in DI as <see cref="ILateBindingSampler"/> (an internal seam: only the SDK and its tests can).
    /// </summary>
    public ILateBindingSampler? LateBindingSampler
    {
        get
        {
            var sampler = _sampler.LateBinding;
            if (sampler is not null)
            {
                return sampler;
            }

            if (!_registeredSamplerResolved)
            {
                _registeredSampler = _services.GetService<ILateBindingSampler>();
                _registeredSamplerResolved = true;
            }

            return _registeredSampler;
        }
    }

    /// <summary>
    /// <c>server.address</c> and <c>server.port</c> of a request's <c>Host</c> (the port defaults to the
    /// scheme's), remembered for the last host seen: a server is nearly always addressed one way.
    /// </summary>
    public ServerHost? HostOf(HttpRequest request)
    {
        var host = request.Host;
        if (!host.HasValue)
        {
            return null;
        }

        var raw = host.Value!;
        var scheme = request.Scheme;
        var last = _lastHost;
        if (last is not null && string.Equals(last.Raw, raw, StringComparison.Ordinal) && string.Equals(last.Scheme, scheme, StringComparison.Ordinal))
        {
            return last;
        }

        int? port = host.Port ?? (string.Equals(scheme, "https", StringComparison.OrdinalIgnoreCase) ? 443
            : string.Equals(scheme, "http", StringComparison.OrdinalIgnoreCase) ? 80 : null);
        var parts = new ServerHost(raw, scheme, host.Host, port is { } value ? HttpSemanticConventions.Boxed(value) : null);
        _lastHost = parts;
        return parts;
    }

    /// <summary>The app's own <see cref="IHttpContextAccessor"/>, if it registered one (the SDK does not).</summary>
    public IHttpContextAccessor? HttpContextAccessor
    {
        get
        {
            if (!_accessorResolved)
            {
                _accessor = _services.GetService<IHttpContextAccessor>();
                _accessorResolved = true;
            }

            return _accessor;
        }
    }

    /// <summary>Starts listening to the host's diagnostics: requests starting and stopping, exceptions handled (idempotent).</summary>
    public void ObserveHostingDiagnostics()
    {
        lock (_gate)
        {
            if (_diagnostics is null && _services.GetService<DiagnosticListener>() is { } listener)
            {
                var hostingSource = TracingHostingRegistration.HostingSourceOf(_services);
                var metrics = _services.GetService<Metrics.SpanMetricsRuntime>()?.Recorder is { } recorder && recorder.Settings.Counts(ActivityKind.Server)
                    ? new ServerSpanMetrics(recorder, this)
                    : null;
                _diagnostics = HostingDiagnosticsObserver.Subscribe(listener, hostingSource, metrics);
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _diagnostics?.Dispose();
            _diagnostics = null;
        }
    }
}
