namespace Releasy.AppHost.Hosting.Testing;

/// <summary>
/// Lets a test run the AppHost's own entry point and take the application it builds, with the test's options,
/// instead of letting it run: the tests exercise the real bill of materials.
/// </summary>
internal static class DistributedApplicationTestingHook
{
    private static readonly AsyncLocal<Capture?> Current = new();

    public static DistributedApplicationOptions? CurrentOptions(string[] args) => Current.Value?.CreateOptions(args);

    public static void OnBuilt(DistributedApplication app)
    {
        if (Current.Value is { } capture)
        {
            app.IsCapturedForTesting = true;
            capture.App = app;
        }
    }

    public static DistributedApplication Run(Func<string[], DistributedApplicationOptions> options, string[] args, Action<string[]> entryPoint)
    {
        var capture = new Capture(options);
        Current.Value = capture;
        try
        {
            entryPoint(args);
        }
        finally
        {
            Current.Value = null;
        }

        return capture.App ?? throw new InvalidOperationException("The AppHost entry point returned without calling Build().");
    }

    private sealed class Capture(Func<string[], DistributedApplicationOptions> createOptions)
    {
        public DistributedApplication? App { get; set; }

        public DistributedApplicationOptions CreateOptions(string[] args) => createOptions(args);
    }
}
