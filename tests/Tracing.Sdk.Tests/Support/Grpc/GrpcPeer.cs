using System.Text.Json;

namespace Tracing.Sdk.Tests.Support.Grpc;

/// <summary>The grpc-js Echo server of tests/peers/grpc, and the metadata it printed for each call.</summary>
public sealed class GrpcPeer : IAsyncDisposable
{
    private readonly NodePeer _node;

    private GrpcPeer(NodePeer node) => _node = node;

    public string Address => $"http://127.0.0.1:{_node.Port}";

    public static async Task<GrpcPeer> StartAsync() => new(await NodePeer.StartAsync("grpc/server.js"));

    /// <summary>Waits (bounded) for the call carrying <c>x-test-id: <paramref name="testId"/></c> and returns every metadata value by key.</summary>
    public async Task<ReceivedCall> WaitForCallAsync(string testId)
    {
        var line = await _node.WaitForLineAsync(l => l.Contains(testId, StringComparison.Ordinal));
        using var json = JsonDocument.Parse(line);
        var metadata = json.RootElement.GetProperty("metadata").EnumerateObject()
            .ToDictionary(p => p.Name, p => (IReadOnlyList<string>)p.Value.EnumerateArray().Select(v => v.GetString()!).ToList(), StringComparer.OrdinalIgnoreCase);
        return new ReceivedCall(json.RootElement.GetProperty("method").GetString()!, metadata);
    }

    public ValueTask DisposeAsync() => _node.DisposeAsync();
}

/// <summary>A call as the grpc-js server saw it.</summary>
public sealed record ReceivedCall(string Method, IReadOnlyDictionary<string, IReadOnlyList<string>> Metadata)
{
    /// <summary>The single value of <paramref name="key"/>; fails the test if it is missing or repeated.</summary>
    public string OnlyValue(string key)
    {
        Assert.True(Metadata.TryGetValue(key, out var values), $"no '{key}' in {string.Join(", ", Metadata.Keys)}");
        return Assert.Single(values!);
    }
}
