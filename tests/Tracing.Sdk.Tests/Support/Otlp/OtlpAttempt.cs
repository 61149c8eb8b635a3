namespace Tracing.Sdk.Tests.Support.Otlp;

/// <summary>One export request the test receiver saw, and the fault it answered with (null: accepted).</summary>
public sealed record OtlpAttempt(string Protocol, OtlpFault? Fault, DateTime ReceivedUtc);
