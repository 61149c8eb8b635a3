using System.Diagnostics;

namespace Tracing.Sdk.Propagation;

/// <summary>Walks the SDK's decorators down from a resolved propagator.</summary>
internal static class PropagatorChain
{
    /// <summary>Whether <paramref name="resolved"/> is <paramref name="target"/> or one of the SDK's decorators around it.</summary>
    public static bool Contains(DistributedContextPropagator resolved, DistributedContextPropagator target)
    {
        for (DistributedContextPropagator? current = resolved; current is not null; current = (current as IDecoratingPropagator)?.Inner)
        {
            if (ReferenceEquals(current, target))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether a decorator of type <typeparamref name="T"/> is in the chain.</summary>
    public static bool Has<T>(DistributedContextPropagator resolved)
        where T : DistributedContextPropagator
    {
        for (DistributedContextPropagator? current = resolved; current is not null; current = (current as IDecoratingPropagator)?.Inner)
        {
            if (current is T)
            {
                return true;
            }
        }

        return false;
    }
}
