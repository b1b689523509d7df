namespace Releasy.Api.Auth;

/// <summary>A stored key with its customer's <c>suspended_at</c>: one row of the prefix lookup (contract 2.7.2 step 2).</summary>
public sealed record KeyCandidate(
    string Id, string CustomerId, string KeyHash, string KeyPrefix, string KeyType, string Scopes,
    long? ExpiresAt, long? RevokedAt, long? SuspendedAt);
