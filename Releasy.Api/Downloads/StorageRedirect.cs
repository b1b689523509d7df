namespace Releasy.Api.Downloads;

/// <summary>
/// The 302 to a presigned storage URL. Written by hand because the framework's redirect result logs its target at
/// Information ("Executing RedirectResult, redirecting to …"), and that target is a working, signed download link.
/// </summary>
public sealed class StorageRedirect(string location) : IResult
{
    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        httpContext.Response.StatusCode = StatusCodes.Status302Found;
        httpContext.Response.Headers.Location = location;
        return Task.CompletedTask;
    }
}
