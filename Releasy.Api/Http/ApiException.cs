namespace Releasy.Api.Http;

/// <summary>
/// Raised only where no result can be returned: request binding (body and query parsing) runs before the
/// handler. The exception handler turns it into its <see cref="ApiError"/>.
/// </summary>
public sealed class ApiException(ApiError error) : Exception(error.Message)
{
    public ApiError Error { get; } = error;
}
