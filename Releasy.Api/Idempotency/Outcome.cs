using Releasy.Api.Http;

namespace Releasy.Api.Idempotency;

/// <summary>What an operation produced: its 200 body, or the error to answer with.</summary>
public readonly record struct Outcome<T>(T? Value, ApiError? Error)
{
    public static implicit operator Outcome<T>(T value) => new(value, null);
    public static implicit operator Outcome<T>(ApiError error) => new(default, error);

    public IResult ToResult() => Error is { } error ? error : TypedResults.Json(Value, ReleasyJson.Options);
}
