namespace Tracing.Sdk.Hosting;

/// <summary>Values that are the same for every host in this process.</summary>
internal static class ProcessIdentity
{
    /// <summary><c>service.instance.id</c>: a random id, stable for the life of the process.</summary>
    public static readonly string InstanceId = Guid.NewGuid().ToString();

    public static readonly int ProcessId = Environment.ProcessId;

    public static readonly string HostName = Environment.MachineName;

    public static readonly string SdkVersion =
        typeof(ProcessIdentity).Assembly
            .GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>()
            .FirstOrDefault()?.InformationalVersion.Split('+')[0]
        ?? "0.0.0";
}
