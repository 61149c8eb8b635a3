namespace Tracing.Sdk.Hosting;

/// <summary>
/// What the attachments of one provider build leave behind: the resources to release when tracing
/// stops, and a line each for the start-up log (<c>sampler ..., exporters ...</c>).
/// </summary>
internal sealed class TracingStart
{
    private readonly List<IDisposable> _resources = [];
    private readonly List<KeyValuePair<string, string>> _descriptions = [];

    /// <summary>Releases <paramref name="resource"/> when tracing stops (after the final flush), or if the start fails.</summary>
    public void OnStop(IDisposable resource) => _resources.Add(resource);

    /// <summary>Adds <c>{aspect} {text}</c> to the start-up log line.</summary>
    public void Describe(string aspect, string text) => _descriptions.Add(new(aspect, text));

    public string Description => string.Join(", ", _descriptions.Select(static d => $"{d.Key} {d.Value}"));

    public string? Get(string aspect) => _descriptions.FirstOrDefault(d => d.Key == aspect).Value;

    /// <summary>Releases everything, newest first; never throws.</summary>
    public void Release()
    {
        for (var i = _resources.Count - 1; i >= 0; i--)
        {
            try
            {
                _resources[i].Dispose();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                Diagnostics.TracingEventSource.Log.ComponentFailed(_resources[i].GetType().Name, ex.Message);
            }
        }

        _resources.Clear();
    }
}
