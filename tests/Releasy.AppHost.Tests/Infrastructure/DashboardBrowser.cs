using Microsoft.Playwright;

namespace Releasy.AppHost.Tests.Infrastructure;

/// <summary>
/// The machine's Chromium, headless and driven by Playwright, logged in to the topology's Aspire dashboard.
/// Playwright downloads nothing here: it runs <c>/usr/bin/chromium</c>.
/// </summary>
public sealed class DashboardBrowser : IAsyncDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";
    public const string InstallHint = "apt-get install -y chromium";

    /// <summary>Bound of each page load and auto-waiting assertion.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static readonly string[] ChromiumFlags =
        ["--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private DashboardBrowser(IPlaywright playwright, IBrowser browser, IPage page, Uri dashboardUrl)
    {
        _playwright = playwright;
        _browser = browser;
        Page = page;
        DashboardUrl = dashboardUrl;
    }

    public IPage Page { get; }

    /// <summary>The dashboard's base address (without the login token).</summary>
    public Uri DashboardUrl { get; }

    /// <summary>Where screenshots go: <c>RELEASY_TEST_ARTIFACTS</c>, else <c>TestResults/screenshots</c> here.</summary>
    public static string ArtifactsDirectory =>
        Environment.GetEnvironmentVariable("RELEASY_TEST_ARTIFACTS") is { Length: > 0 } dir
            ? dir
            : Path.Combine(Directory.GetCurrentDirectory(), "TestResults", "screenshots");

    /// <summary>Starts Chromium and opens the dashboard's login URL, which lands on the Resources page.</summary>
    public static async Task<DashboardBrowser> OpenAsync(DistributedApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        RequireChromium();
        Uri loginUrl;
        using (var timeout = new CancellationTokenSource(Timeout))
        {
            loginUrl = await app.GetDashboardUrlAsync(timeout.Token);
        }

        Assertions.SetDefaultExpectTimeout((float)Timeout.TotalMilliseconds);
        var playwright = await Playwright.CreateAsync();
        IBrowser? browser = null;
        try
        {
            browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ChromiumPath,
                Headless = true,
                Args = ChromiumFlags,
                Timeout = (float)Timeout.TotalMilliseconds,
            });
            var context = await browser.NewContextAsync(new BrowserNewContextOptions
            {
                ViewportSize = new ViewportSize { Width = 1600, Height = 1000 },
            });
            context.SetDefaultTimeout((float)Timeout.TotalMilliseconds);
            context.SetDefaultNavigationTimeout((float)Timeout.TotalMilliseconds);
            var page = await context.NewPageAsync();
            await page.GotoAsync(loginUrl.ToString());
            return new DashboardBrowser(playwright, browser, page, new Uri(loginUrl.GetLeftPart(UriPartial.Authority)));
        }
        catch
        {
            if (browser is not null)
            {
                await browser.CloseAsync();
            }

            playwright.Dispose();
            throw;
        }
    }

    /// <summary>Opens a dashboard page by its path, e.g. <c>/traces</c>.</summary>
    public async Task GotoAsync(string path) => await Page.GotoAsync(new Uri(DashboardUrl, path).ToString());

    /// <summary>Saves a full-page screenshot as a test artifact and returns its path.</summary>
    public async Task<string> ScreenshotAsync(string name)
    {
        Directory.CreateDirectory(ArtifactsDirectory);
        var path = Path.Combine(ArtifactsDirectory, $"{name}.png");
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }

    public static void RequireChromium()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException(
                $"The dashboard tests drive the machine's Chromium, but {ChromiumPath} does not exist: `{InstallHint}` installs it (scripts/test.sh does when run as root).");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.CloseAsync();
        _playwright.Dispose();
    }
}
