using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Tracing.Sdk.AspNetCore;
using Tracing.Sdk.Exporters;
using Tracing.Sdk.Http;
using Tracing.Sdk.Sampling;

namespace Tracing.Sdk.Hosting;

/// <summary>Builds the host's OpenTelemetry <see cref="TracerProvider"/> from the validated options.</summary>
internal static class TracerProviderFactory
{
    /// <summary>The SDK's own sources, always recorded.</summary>
    public static readonly string[] SdkSources = ["Tracing.Sdk", "Tracing.Sdk.*"];

    /// <summary>Framework sources whose spans the SDK enriches: ASP.NET Core hosting and HttpClient.</summary>
    public static readonly string[] FrameworkSources = [HostSpanFilter.HostingSourceName, "System.Net.Http"];

    public static TracerProvider Create(TracingPipelineContext context)
    {
        var options = context.Options;
        var userSources = options.Sources.Select(static s => s.Trim()).Where(static s => s.Length > 0).ToArray();

        // Enrichment first: the export processors see the finished attributes. The server-span
        // processor may also drop a span (an excluded request's children) before they see it.
        var processors = new List<BaseProcessor<Activity>>
        {
            HttpClientSpanProcessorFactory.Create(context),
        };
        if (ServerSpanProcessor.Create(context) is { } serverSpans)
        {
            processors.Add(serverSpans);
        }

        processors.AddRange(ExportProcessorFactory.Create(context));

        // Several hosts may share the process: each samples and exports only its own spans.
        var filter = new HostSpanFilter(context.HostingSource, new SourceMatcher(userSources));
        context.Disposables.Add(filter);

        var builder = OpenTelemetry.Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(ResourceFactory.Create(options, context.HostEnvironment))
            .SetSampler(new HostScopedSampler(SamplerFactory.Create(context), filter))
            .AddSource([.. SdkSources, .. FrameworkSources, .. userSources]);

        if (processors.Count > 0)
        {
            builder.AddProcessor(new HostBoundProcessor(filter, processors));
        }

        options.ConfigureProvider?.Invoke(builder);
        return builder.Build()!;
    }
}
