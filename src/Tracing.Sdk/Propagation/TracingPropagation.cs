using System.Diagnostics;
using System.Reflection;
using OpenTelemetry;
using OpenTelemetry.Context.Propagation;

namespace Tracing.Sdk.Propagation;

/// <summary>
/// Carries trace context and baggage through carriers that are not HTTP (message headers, a job's
/// metadata), in the formats configured by <c>Tracing:Propagators</c> / <c>OTEL_PROPAGATORS</c>
/// (<c>tracecontext, baggage</c> while no host with tracing is running), and starts messaging spans
/// on the <see cref="MessagingSourceName"/> source, which <c>AddTracing</c> always records.
/// <para>
/// <see cref="Activity.Current"/> flows with the <see cref="ExecutionContext"/>: across <c>await</c>,
/// <see cref="Task.Run(Action)"/> and thread-pool work items it needs nothing. A message that waits in
/// a queue (a <see cref="System.Threading.Channels.Channel{T}"/>, a broker) is read by a consumer
/// whose context was captured when it started, so the producer's context must travel inside the
/// message: <see cref="StartProducerActivity(IDictionary{string, string}, string, string, string?)"/>
/// writes it, <see cref="StartConsumerActivity(IDictionary{string, string}, string, string, string?)"/>
/// continues it.
/// </para>
/// Nothing here throws into the caller because of what a carrier holds: malformed headers yield no
/// context and are counted (<c>tracing.sdk.propagation.invalid</c>).
/// </summary>
public static class TracingPropagation
{
    /// <summary>The <see cref="ActivitySource"/> name of the messaging spans: <c>Tracing.Sdk.Messaging</c>.</summary>
    public const string MessagingSourceName = "Tracing.Sdk.Messaging";

    private static readonly ActivitySource s_source = new(
        MessagingSourceName,
        typeof(TracingPropagation).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion);

    private static readonly Action<IDictionary<string, string>, string, string> s_dictionarySetter =
        static (headers, name, value) => headers[name] = value;

    private static readonly Func<IDictionary<string, string>, string, IEnumerable<string>?> s_dictionaryGetter = static (headers, name) =>
    {
        if (headers.TryGetValue(name, out var value))
        {
            return [value];
        }

        // Header names are case-insensitive (RFC 9110 §5.1) while a dictionary may not be: a Node
        // producer writes "x-b3-traceid" where B3 asks for "X-B3-TraceId".
        foreach (var item in headers)
        {
            if (string.Equals(item.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return [item.Value];
            }
        }

        return null;
    };

    /// <summary>
    /// Writes <paramref name="activity"/>'s context (default <see cref="Activity.Current"/>) and
    /// baggage into <paramref name="headers"/> in every configured format, replacing values already
    /// there. Writes nothing when there is no span.
    /// </summary>
    /// <param name="headers">The message's headers.</param>
    /// <param name="activity">The span to propagate; <see langword="null"/> for <see cref="Activity.Current"/>.</param>
    public static void Inject(IDictionary<string, string> headers, Activity? activity = null)
    {
        ArgumentNullException.ThrowIfNull(headers);
        Inject(headers, s_dictionarySetter, activity);
    }

    /// <summary>
    /// Writes <paramref name="activity"/>'s context (default <see cref="Activity.Current"/>) and
    /// baggage (the span chain's <see cref="Activity.Baggage"/> merged with OpenTelemetry's
    /// <see cref="Baggage.Current"/>) through <paramref name="setter"/>, in every configured format.
    /// </summary>
    /// <typeparam name="T">The carrier type.</typeparam>
    /// <param name="carrier">Where the headers go.</param>
    /// <param name="setter">Sets one header on the carrier: <c>(carrier, name, value)</c>.</param>
    /// <param name="activity">The span to propagate; <see langword="null"/> for <see cref="Activity.Current"/>.</param>
    public static void Inject<T>(T carrier, Action<T, string, string> setter, Activity? activity = null)
    {
        ArgumentNullException.ThrowIfNull(setter);
        var span = activity ?? Activity.Current;
        if (carrier is null || span is null || span.IdFormat != ActivityIdFormat.W3C || span.TraceId == default)
        {
            return;
        }

        TracingPropagators.Current.Propagator.Inject(InjectionContext.From(span), carrier, setter);
    }

    /// <summary>
    /// Reads the context and baggage <paramref name="headers"/> carry, in the configured formats (the
    /// first valid context in configured order; every format's baggage). Header names match
    /// case-insensitively. When there is none, or it is malformed, the result's
    /// <see cref="PropagationContext.ActivityContext"/> is <see langword="default"/>.
    /// </summary>
    /// <param name="headers">The message's headers.</param>
    /// <returns>The remote context (<see cref="ActivityContext.IsRemote"/>) and its baggage.</returns>
    public static PropagationContext Extract(IDictionary<string, string> headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        return Extract(headers, s_dictionaryGetter);
    }

    /// <summary>
    /// Reads the context and baggage a carrier holds, in the configured formats. Jaeger's
    /// <c>uberctx-{key}</c> baggage needs the carrier's header names, so it is read only from carriers
    /// that can list them (dictionaries of strings, ASP.NET Core and HttpClient headers).
    /// </summary>
    /// <typeparam name="T">The carrier type.</typeparam>
    /// <param name="carrier">Where the headers are.</param>
    /// <param name="getter">The values of one header, or <see langword="null"/> when absent: <c>(carrier, name) =&gt; values</c>.</param>
    /// <returns>The remote context (default when none) and its baggage.</returns>
    public static PropagationContext Extract<T>(T carrier, Func<T, string, IEnumerable<string>?> getter)
    {
        ArgumentNullException.ThrowIfNull(getter);
        return TracingPropagators.Current.Propagator.Extract(default, carrier, getter);
    }

    /// <summary>
    /// Starts a <see cref="ActivityKind.Producer"/> span <c>send {destination}</c> (a child of
    /// <see cref="Activity.Current"/>) and writes its context into <paramref name="headers"/>. Dispose
    /// the span once the message is handed to the transport. When the span is not recorded the
    /// current context is still written, so the trace continues.
    /// </summary>
    /// <param name="headers">The outgoing message's headers.</param>
    /// <param name="system">The <c>messaging.system</c> attribute (<c>kafka</c>, <c>rabbitmq</c>, or your own).</param>
    /// <param name="destination">The <c>messaging.destination.name</c> attribute (queue or topic).</param>
    /// <param name="messageId">The <c>messaging.message.id</c> attribute, when known.</param>
    /// <returns>The producer span, or <see langword="null"/> when nothing records it.</returns>
    public static Activity? StartProducerActivity(IDictionary<string, string> headers, string system, string destination, string? messageId = null)
    {
        ArgumentNullException.ThrowIfNull(headers);
        return StartProducerActivity(headers, s_dictionarySetter, system, destination, messageId);
    }

    /// <summary>
    /// Starts a <see cref="ActivityKind.Producer"/> span <c>send {destination}</c> and writes its
    /// context through <paramref name="setter"/>; see <see cref="StartProducerActivity(IDictionary{string, string}, string, string, string?)"/>.
    /// </summary>
    /// <typeparam name="T">The carrier type.</typeparam>
    /// <param name="carrier">Where the headers go.</param>
    /// <param name="setter">Sets one header on the carrier.</param>
    /// <param name="system">The <c>messaging.system</c> attribute.</param>
    /// <param name="destination">The <c>messaging.destination.name</c> attribute.</param>
    /// <param name="messageId">The <c>messaging.message.id</c> attribute, when known.</param>
    /// <returns>The producer span, or <see langword="null"/> when nothing records it.</returns>
    public static Activity? StartProducerActivity<T>(T carrier, Action<T, string, string> setter, string system, string destination, string? messageId = null)
    {
        ArgumentNullException.ThrowIfNull(setter);
        ArgumentException.ThrowIfNullOrEmpty(system);
        ArgumentException.ThrowIfNullOrEmpty(destination);

        var activity = s_source.StartActivity(
            $"{MessagingAttributes.SendOperation} {destination}",
            ActivityKind.Producer,
            parentContext: default,
            Tags(system, destination, MessagingAttributes.SendOperation, messageId, batchCount: null));
        Inject(carrier, setter, activity);
        return activity;
    }

    /// <summary>
    /// Reads the message's context and starts a <see cref="ActivityKind.Consumer"/> span
    /// <c>process {destination}</c> as its child, carrying the message's baggage. A message without a
    /// valid context gets a span under <see cref="Activity.Current"/> (a new trace when there is none).
    /// Dispose the span when the message is processed; work done meanwhile, awaited or not, is its child.
    /// </summary>
    /// <param name="headers">The received message's headers.</param>
    /// <param name="system">The <c>messaging.system</c> attribute.</param>
    /// <param name="destination">The <c>messaging.destination.name</c> attribute.</param>
    /// <param name="messageId">The <c>messaging.message.id</c> attribute, when known.</param>
    /// <returns>The consumer span, or <see langword="null"/> when nothing records it.</returns>
    public static Activity? StartConsumerActivity(IDictionary<string, string> headers, string system, string destination, string? messageId = null)
    {
        ArgumentNullException.ThrowIfNull(headers);
        return StartConsumerActivity(headers, s_dictionaryGetter, system, destination, messageId);
    }

    /// <summary>
    /// Reads the carrier's context and starts a <see cref="ActivityKind.Consumer"/> span as its child;
    /// see <see cref="StartConsumerActivity(IDictionary{string, string}, string, string, string?)"/>.
    /// </summary>
    /// <typeparam name="T">The carrier type.</typeparam>
    /// <param name="carrier">Where the headers are.</param>
    /// <param name="getter">The values of one header, or <see langword="null"/> when absent.</param>
    /// <param name="system">The <c>messaging.system</c> attribute.</param>
    /// <param name="destination">The <c>messaging.destination.name</c> attribute.</param>
    /// <param name="messageId">The <c>messaging.message.id</c> attribute, when known.</param>
    /// <returns>The consumer span, or <see langword="null"/> when nothing records it.</returns>
    public static Activity? StartConsumerActivity<T>(T carrier, Func<T, string, IEnumerable<string>?> getter, string system, string destination, string? messageId = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(system);
        ArgumentException.ThrowIfNullOrEmpty(destination);

        var context = Extract(carrier, getter);
        var activity = s_source.StartActivity(
            $"{MessagingAttributes.ProcessOperation} {destination}",
            ActivityKind.Consumer,
            context.ActivityContext,
            Tags(system, destination, MessagingAttributes.ProcessOperation, messageId, batchCount: null));
        if (activity is not null)
        {
            // Dropped under a caller that deferred the decision: the mark stays with no child of it.
            InternalTraceState.Forget(activity);
            foreach (var item in context.Baggage)
            {
                activity.AddBaggage(item.Key, item.Value);
            }
        }

        return activity;
    }

    /// <summary>
    /// Starts one <see cref="ActivityKind.Consumer"/> span <c>process {destination}</c> for a batch of
    /// messages, linked to each message's context (semconv: a batch has many parents, so they are
    /// links), under <see cref="Activity.Current"/>, with <c>messaging.batch.message_count</c>.
    /// </summary>
    /// <param name="messages">The headers of each message in the batch.</param>
    /// <param name="system">The <c>messaging.system</c> attribute.</param>
    /// <param name="destination">The <c>messaging.destination.name</c> attribute.</param>
    /// <returns>The consumer span, or <see langword="null"/> when nothing records it.</returns>
    public static Activity? StartBatchConsumerActivity(IEnumerable<IDictionary<string, string>> messages, string system, string destination)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return StartBatchConsumerActivity(messages, s_dictionaryGetter, system, destination);
    }

    /// <summary>
    /// Starts one <see cref="ActivityKind.Consumer"/> span for a batch, linked to each message's
    /// context; see <see cref="StartBatchConsumerActivity(IEnumerable{IDictionary{string, string}}, string, string)"/>.
    /// </summary>
    /// <typeparam name="T">The carrier type.</typeparam>
    /// <param name="carriers">Each message's carrier.</param>
    /// <param name="getter">The values of one header, or <see langword="null"/> when absent.</param>
    /// <param name="system">The <c>messaging.system</c> attribute.</param>
    /// <param name="destination">The <c>messaging.destination.name</c> attribute.</param>
    /// <returns>The consumer span, or <see langword="null"/> when nothing records it.</returns>
    public static Activity? StartBatchConsumerActivity<T>(IEnumerable<T> carriers, Func<T, string, IEnumerable<string>?> getter, string system, string destination)
    {
        ArgumentNullException.ThrowIfNull(carriers);
        ArgumentNullException.ThrowIfNull(getter);
        ArgumentException.ThrowIfNullOrEmpty(system);
        ArgumentException.ThrowIfNullOrEmpty(destination);

        var links = new List<ActivityLink>();
        var count = 0;
        foreach (var carrier in carriers)
        {
            count++;
            var context = Extract(carrier, getter).ActivityContext;
            if (InjectionContext.IsValid(context))
            {
                links.Add(new ActivityLink(InternalTraceState.WithoutMarker(context)));
            }
        }

        return s_source.StartActivity(
            $"{MessagingAttributes.ProcessOperation} {destination}",
            ActivityKind.Consumer,
            parentContext: default,
            Tags(system, destination, MessagingAttributes.ProcessOperation, messageId: null, count),
            links);
    }

    private static List<KeyValuePair<string, object?>> Tags(string system, string destination, string operation, string? messageId, int? batchCount)
    {
        // Given at start so that samplers see them.
        var tags = new List<KeyValuePair<string, object?>>(6)
        {
            new(MessagingAttributes.System, system),
            new(MessagingAttributes.DestinationName, destination),
            new(MessagingAttributes.OperationType, operation),
            new(MessagingAttributes.OperationName, operation),
        };
        if (messageId is not null)
        {
            tags.Add(new(MessagingAttributes.MessageId, messageId));
        }

        if (batchCount is { } count)
        {
            tags.Add(new(MessagingAttributes.BatchMessageCount, (long)count));
        }

        return tags;
    }
}
