using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Tracing.Sdk.AspNetCore;

namespace Tracing.Sdk.Tests.AspNetCore;

/// <summary>The caller's address as ForwardedHeadersMiddleware would report it, computed before it runs.</summary>
public sealed class ForwardedClientAddressTests
{
    [Fact]
    public void WithoutForwardedFor_IsTheConnectionAddress()
    {
        var resolved = Resolve(new ForwardedHeadersOptions(), "127.0.0.1", "203.0.113.5");
        Assert.Equal(IPAddress.Parse("127.0.0.1"), resolved);
    }

    [Fact]
    public void FromAKnownProxy_IsTheForwardedAddress()
    {
        var resolved = Resolve(ForwardFor(), "127.0.0.1", "203.0.113.5");
        Assert.Equal(IPAddress.Parse("203.0.113.5"), resolved);
    }

    [Fact]
    public void FromAnUnknownProxy_IsTheConnectionAddress()
    {
        // 10.1.2.3 is not a known proxy: what it says about the client is not believed.
        var resolved = Resolve(ForwardFor(), "10.1.2.3", "192.0.2.1");
        Assert.Equal(IPAddress.Parse("10.1.2.3"), resolved);
    }

    [Fact]
    public void ForwardLimit_TakesOnlyTheLastHops()
    {
        var resolved = Resolve(ForwardFor(), "127.0.0.1", "10.9.9.9, 203.0.113.5");
        Assert.Equal(IPAddress.Parse("203.0.113.5"), resolved);
    }

    [Fact]
    public void ChainOfKnownProxies_IsWalkedRightToLeft_UntilAnUnknownOne()
    {
        var options = ForwardFor();
        options.ForwardLimit = null;
        options.KnownProxies.Add(IPAddress.Parse("10.0.0.2"));

        // 127.0.0.1 (known) says 10.0.0.2 (known) sent it; 10.0.0.2 says 192.0.2.9 (unknown); stop there.
        var resolved = Resolve(options, "127.0.0.1", "198.51.100.1, 192.0.2.9, 10.0.0.2");
        Assert.Equal(IPAddress.Parse("192.0.2.9"), resolved);
    }

    [Fact]
    public void UnparsableEntry_StopsWithWhatWasAppliedSoFar()
    {
        var options = ForwardFor();
        options.ForwardLimit = 3;
        options.KnownProxies.Add(IPAddress.Parse("10.0.0.2"));

        var resolved = Resolve(options, "127.0.0.1", "192.0.2.1, not-an-ip, 10.0.0.2");
        Assert.Equal(IPAddress.Parse("10.0.0.2"), resolved);
    }

    [Fact]
    public void EntryWithPort_IsItsAddress()
    {
        var resolved = Resolve(ForwardFor(), "127.0.0.1", "[2001:db8::1]:443");
        Assert.Equal(IPAddress.Parse("2001:db8::1"), resolved);
    }

    [Fact]
    public void IPv4MappedConnectionAddress_IsMatchedAsIPv4()
    {
        var resolved = Resolve(ForwardFor(), "::ffff:127.0.0.1", "203.0.113.5");
        Assert.Equal(IPAddress.Parse("203.0.113.5"), resolved);
    }

    [Fact]
    public void NoKnownProxiesOrNetworks_TrustsAnyHop()
    {
        // What ASPNETCORE_FORWARDEDHEADERS_ENABLED=true configures.
        var options = ForwardFor();
        options.KnownProxies.Clear();
        ClearKnownNetworks(options);

        var resolved = Resolve(options, "10.1.2.3", "203.0.113.5");
        Assert.Equal(IPAddress.Parse("203.0.113.5"), resolved);
    }

    [Fact]
    public void RequiredSymmetryNotMet_AppliesNothing()
    {
        var options = ForwardFor();
        options.ForwardedHeaders |= ForwardedHeaders.XForwardedProto;
        options.RequireHeaderSymmetry = true;

        var resolved = Resolve(options, "127.0.0.1", "203.0.113.5");
        Assert.Equal(IPAddress.Parse("127.0.0.1"), resolved);
    }

    private static ForwardedHeadersOptions ForwardFor() => new() { ForwardedHeaders = ForwardedHeaders.XForwardedFor };

    // ASP.NET Core 10 renamed the list (KnownIPNetworks, System.Net.IPNetwork) and made the 8.0 one obsolete.
    private static void ClearKnownNetworks(ForwardedHeadersOptions options)
    {
#if NET10_0_OR_GREATER
        options.KnownIPNetworks.Clear();
#else
        options.KnownNetworks.Clear();
#endif
    }

    private static IPAddress? Resolve(ForwardedHeadersOptions options, string remote, string forwardedFor)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(remote);
        context.Request.Headers["X-Forwarded-For"] = forwardedFor;
        var resolved = new ForwardedClientAddress(options).Resolve(context);

        // The real middleware, run on the same request, must agree.
        new ForwardedHeadersMiddleware(_ => Task.CompletedTask, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance, Microsoft.Extensions.Options.Options.Create(options))
            .ApplyForwarders(context);
        Assert.Equal(context.Connection.RemoteIpAddress, resolved);
        return resolved;
    }
}
