using Tracing.Sdk.AspNetCore;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Places the server-span middleware explicitly: <c>app.UseTracing();</c>.</summary>
public static class TracingApplicationBuilderExtensions
{
    /// <summary>
    /// Puts the middleware that names and tags each request's server span at this point of the
    /// pipeline instead of first (where <c>AddTracing</c> puts it without this call) — for example
    /// after a middleware whose own work should not be part of the span's status. Spans stay one per
    /// request: the automatic placement steps aside, and a second call has no further effect.
    /// </summary>
    /// <param name="app">The application's pipeline builder.</param>
    /// <returns><paramref name="app"/>, for chaining.</returns>
    /// <exception cref="InvalidOperationException"><c>AddTracing</c> was not called on the app's services.</exception>
    public static IApplicationBuilder UseTracing(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Properties.ContainsKey(TracingStartupFilter.PlacedByAppProperty))
        {
            return app;
        }

        app.Properties[TracingStartupFilter.PlacedByAppProperty] = true;
        return app.Use(next => TracingStartupFilter.CreateMiddleware(app, next));
    }
}
