using System.Collections;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Tracing.Sdk.Metrics;
using Tracing.Sdk.Tests.Support;

namespace Tracing.Sdk.Tests.Documentation;

/// <summary>
/// README's configuration reference against the options a host really resolves with nothing set: every
/// key in the table names a real setting, every setting is in the table, and every default written as one
/// plain value is the value the SDK uses.
/// </summary>
public sealed partial class ConfigurationReferenceTests
{
    // Defaults the table states in words because they depend on something else; each is tested where it is resolved.
    private static readonly Dictionary<string, string> s_resolvedElsewhere = new(StringComparer.OrdinalIgnoreCase)
    {
        ["ServiceName"] = "from the resource attributes or the entry assembly (Hosting tests)",
        ["ServiceVersion"] = "from the entry assembly (Hosting tests)",
        ["Sampler:Remote:Endpoint"] = "depends on the sampler type and protocol (Sampling tests)",
        ["Exporters"] = "depends on the environment name (Exporters tests)",
        ["Otlp:Endpoint"] = "depends on the protocol (Exporters tests)",
    };

    private static readonly string[] s_codeOnly = ["ConfigureProvider"];

    public static TheoryData<string, string> DocumentedScalarDefaults()
    {
        var data = new TheoryData<string, string>();
        foreach (var (key, defaultCell) in ReadTable())
        {
            if (!s_resolvedElsewhere.ContainsKey(key) && SingleValue().Match(defaultCell) is { Success: true } value)
            {
                data.Add(key, value.Groups["value"].Value);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(DocumentedScalarDefaults))]
    public void DocumentedDefault_IsTheResolvedDefault(string key, string documented)
    {
        var resolved = OptionsHarness.Resolve();

        var value = key.StartsWith("Metrics:", StringComparison.OrdinalIgnoreCase) && Walk(resolved, key) is null
            ? ResolvedMetricsSetting(resolved, key)
            : Walk(resolved, key);

        Assert.Equal(Normalize(documented), Normalize(Format(value)));
    }

    [Fact]
    public void EveryDocumentedKey_IsASetting_AndEverySettingIsDocumented()
    {
        var documented = ReadTable().Select(static r => r.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);
        Assert.True(documented.Count > 40, $"only {documented.Count} keys read from README: is the table still there?");

        foreach (var key in documented)
        {
            Walk(new TracingOptions(), key); // throws for a key with no setting behind it
        }

        var settings = Settings(typeof(TracingOptions), prefix: "").Where(static k => !s_codeOnly.Contains(k)).ToList();
        var undocumented = settings.Where(k => !documented.Contains(k)).ToList();
        Assert.True(undocumented.Count == 0, "settings missing from README's configuration reference: " + string.Join(", ", undocumented));
    }

    [Fact]
    public void TheTableIsRead_AndPlainDefaultsAreChecked()
    {
        // Guards the parser: most defaults in the table are single values and are checked above.
        Assert.True(DocumentedScalarDefaults().Count >= 30, $"{DocumentedScalarDefaults().Count} plain defaults read");
    }

    private static IEnumerable<(string Key, string Default)> ReadTable()
    {
        var readme = File.ReadAllLines(Path.Combine(RepositoryRoot(), "README.md"));
        var start = Array.FindIndex(readme, static l => l.StartsWith("## Configuration reference", StringComparison.Ordinal));
        Assert.True(start >= 0, "README has no configuration reference");
        foreach (var line in readme.Skip(start + 1).TakeWhile(static l => !l.StartsWith("## ", StringComparison.Ordinal)))
        {
            var cells = line.Split('|');
            if (cells.Length >= 5 && KeyCell().Match(cells[1].Trim()) is { Success: true } key)
            {
                yield return (key.Groups["key"].Value, cells[3].Trim());
            }
        }
    }

    /// <summary>Span metrics settings left unset resolve when metrics are on: the value they resolve to.</summary>
    private static object? ResolvedMetricsSetting(TracingOptions options, string key)
    {
        options.Metrics.Enabled = true;
        var settings = SpanMetricsSettings.From(options)!;
        return key.Split(':')[1] switch
        {
            "Dimensions" => new[] { (settings.HttpStatusDimension, "http.response.status_code"), (settings.GrpcStatusDimension, "rpc.grpc.status_code") }
                .Where(static d => d.Item1).Select(static d => d.Item2).ToArray(),
            "SpanKinds" => new[] { ActivityKind.Server, ActivityKind.Client, ActivityKind.Producer, ActivityKind.Consumer, ActivityKind.Internal }
                .Where(settings.Counts).Select(static k => k.ToString().ToLowerInvariant()).ToArray(),
            "Exporters" => settings.Exporters.ToArray(),
            "ExportIntervalMilliseconds" => settings.ExportIntervalMilliseconds,
            var other => throw new InvalidOperationException($"Metrics:{other} is unset by default and has no resolved value here"),
        };
    }

    private static object? Walk(object root, string key)
    {
        object? current = root;
        foreach (var part in key.Split(':'))
        {
            Assert.NotNull(current);
            var property = current!.GetType().GetProperty(part, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            Assert.True(property is not null, $"README documents '{key}', but {current.GetType().Name} has no '{part}'");
            current = property!.GetValue(current);
        }

        return current;
    }

    /// <summary>Every bindable leaf setting of <paramref name="type"/>, as a configuration key.</summary>
    private static IEnumerable<string> Settings(Type type, string prefix)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(static p => p.CanWrite))
        {
            var key = prefix + property.Name;
            var target = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            var isLeaf = target.IsPrimitive || target.IsEnum || target == typeof(string) || target == typeof(decimal)
                || typeof(IEnumerable).IsAssignableFrom(target) || typeof(Delegate).IsAssignableFrom(target);
            if (isLeaf)
            {
                yield return key;
            }
            else
            {
                foreach (var nested in Settings(target, key + ":"))
                {
                    yield return nested;
                }
            }
        }
    }

    private static string Format(object? value) => value switch
    {
        null => "none",
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        string s => s,
        IEnumerable items => string.Join(", ", items.Cast<object?>().Select(Format)),
        _ => value.ToString() ?? "none",
    };

    private static string Normalize(string value) => value.Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal).Trim().ToLowerInvariant();

    private static string RepositoryRoot() => Directory.GetParent(NodePeer.PeersDirectory)!.Parent!.FullName;

    [GeneratedRegex(@"^`(?<key>[A-Za-z][A-Za-z0-9:]*)`$")]
    private static partial Regex KeyCell();

    [GeneratedRegex(@"^`(?<value>[^`]+)`$")]
    private static partial Regex SingleValue();
}
