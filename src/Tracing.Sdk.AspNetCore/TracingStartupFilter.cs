using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Tracing.Sdk.AspNetCore;

/// <summary>
/// Puts <see cref="ServerSpanMiddleware"/> first in every ASP.NET Core pipeline of a host that called
/// <c>AddTracing</c>, so that no <c>app.Use...</c> is needed. When the app placed it itself with
/// <c>app.UseTracing()</c>, the automatic one is left out when the pipeline is built.
/// </summary>
internal sealed class TracingStartupFilter : IStartupFilter
{
    /// <summary>Application-builder property set by <c>UseTracing()</c>.</summary>
    public const string PlacedByAppProperty = "Tracing.Sdk.UseTracing";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        // Disabled tracing adds nothing to the pipeline (options are final by the time it is built).
        if (app.ApplicationServices.GetService<AspNetCoreTracing>() is not { Settings.Enabled: true })
        {
            next(app);
            return;
        }

        // Middleware factories run when the pipeline is built, after the app's own configuration ran
        // (WebApplication has copied its properties onto this builder by then), so this sees UseTracing.
        app.Use(nextMiddleware => app.Properties.ContainsKey(PlacedByAppProperty)
            ? nextMiddleware
            : CreateMiddleware(app, nextMiddleware));
        next(app);
    };

    public static RequestDelegate CreateMiddleware(IApplicationBuilder app, RequestDelegate next)
    {
        var tracing = app.ApplicationServices.GetService<AspNetCoreTracing>()
            ?? throw new InvalidOperationException("Tracing is not registered: call builder.Services.AddTracing() before app.UseTracing().");
        return new ServerSpanMiddleware(next, tracing).InvokeAsync;
    }
}
