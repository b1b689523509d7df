namespace Releasy.AppHost.Hosting.Orchestration;

/// <summary>Writes whole lines prefixed with their source, so interleaved output from many processes stays readable.</summary>
public static class ConsoleLines
{
    private static readonly Lock Gate = new();

    public static void Write(TextWriter output, string source, string line)
    {
        ArgumentNullException.ThrowIfNull(output);
        lock (Gate)
        {
            output.WriteLine($"[{source}] {line}");
            output.Flush();
        }
    }
}
