using System.Globalization;
using System.Reflection;
using BenchmarkDotNet.Attributes;

namespace Tracing.Sdk.Benchmarks.Support;

/// <summary>
/// Runs a BenchmarkDotNet class's <c>[Benchmark]</c> methods by thread CPU time, each alternating
/// with the class's baseline in rounds, and prints per method the best round (ns per call) and the
/// median and range of its per-round ratio to the baseline: the comparison BenchmarkDotNet makes,
/// steadier on a machine other processes share (see <see cref="ThreadCpuTime"/>). Allocations are
/// BenchmarkDotNet's to report.
/// </summary>
internal static class BaselineCpuComparison
{
    public static void Run(TextWriter output, Type benchmarks, int rounds, int calls)
    {
        var instance = Activator.CreateInstance(benchmarks)!;
        Invoke(benchmarks, instance, typeof(GlobalSetupAttribute));
        try
        {
            var methods = benchmarks.GetMethods(BindingFlags.Public | BindingFlags.Instance)
                .Select(m => (Method: m, Attribute: m.GetCustomAttribute<BenchmarkAttribute>()))
                .Where(m => m.Attribute is not null)
                .ToList();
            var baseline = methods.Single(m => m.Attribute!.Baseline);
            var timeBaseline = Timer(baseline.Method, instance);
            output.WriteLine($"{benchmarks.Name}: {rounds} rounds of {calls:N0} calls, each method alternating with the baseline ({Describe(baseline)})");
            output.WriteLine("| Method | ns per call (best round) | / baseline, median of rounds | ratio range |");
            output.WriteLine("|---|---:|---:|---|");
            foreach (var method in methods)
            {
                var time = Timer(method.Method, instance);
                time(calls);
                timeBaseline(calls);
                var best = double.MaxValue;
                var ratios = new double[rounds];
                for (var r = 0; r < rounds; r++)
                {
                    var reference = timeBaseline(calls);
                    var own = time(calls);
                    best = Math.Min(best, own);
                    ratios[r] = own / reference;
                }

                Array.Sort(ratios);
                output.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"| {Describe(method)} | {best:F1} | {ratios[rounds / 2]:F3} | {ratios[0]:F3} – {ratios[^1]:F3} |"));
            }
        }
        finally
        {
            Invoke(benchmarks, instance, typeof(GlobalCleanupAttribute));
        }
    }

    private static string Describe((MethodInfo Method, BenchmarkAttribute? Attribute) method) =>
        method.Attribute?.Description ?? method.Method.Name;

    private static void Invoke(Type type, object instance, Type attribute)
    {
        foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance).Where(m => m.IsDefined(attribute)))
        {
            method.Invoke(instance, null);
        }
    }

    /// <summary>A timer calling <paramref name="method"/> through a delegate bound once (no reflection per call).</summary>
    private static Func<int, double> Timer(MethodInfo method, object instance)
    {
        if (method.ReturnType == typeof(void))
        {
            var action = method.CreateDelegate<Action>(instance);
            return calls => ThreadCpuTime.PerCall(action, calls);
        }

        var func = method.CreateDelegate(typeof(Func<>).MakeGenericType(method.ReturnType), instance);
        return (Func<int, double>)typeof(BaselineCpuComparison)
            .GetMethod(nameof(TypedTimer), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(method.ReturnType)
            .Invoke(null, [func])!;
    }

    private static Func<int, double> TypedTimer<TResult>(Delegate operation)
    {
        var typed = (Func<TResult>)operation;
        return calls => ThreadCpuTime.PerCall(typed, calls);
    }
}
