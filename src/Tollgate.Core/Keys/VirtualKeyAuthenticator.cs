using System.Security.Cryptography;
using System.Text;
using Tollgate.Accounts;
using Tollgate.Core.Gateway;

namespace Tollgate.Core.Keys;

/// <summary>
/// Accepts the master key of the config in force and every live virtual key. Reads only memory (the
/// <see cref="AccountDirectory"/> snapshot), never the database.
/// </summary>
/// <remarks>
/// Step 1: hash the presented key (SHA-256) and compare it with the master key's digest in constant time.
/// Step 2: look the digest up among virtual keys (current secrets, and previous secrets within their rotation grace),
///         then compare the stored digest with <see cref="CryptographicOperations.FixedTimeEquals"/>.
/// Step 3: refuse revoked and expired keys (time from <see cref="TimeProvider"/>) and keys of blocked users or teams.
/// Step 4: return the caller with its key, user and team records and the key's revocation token.
/// </remarks>
public sealed class VirtualKeyAuthenticator(GatewayState state, AccountDirectory directory, TimeProvider time) : IRequestAuthenticator
{
    /// <inheritdoc/>
    public ValueTask<CallerIdentity?> AuthenticateAsync(string? presentedKey, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Authenticate(presentedKey));

    /// <summary>The caller, or <see langword="null"/> when the key is missing, unknown, revoked, expired or blocked.</summary>
    public CallerIdentity? Authenticate(string? presentedKey)
    {
        if (string.IsNullOrEmpty(presentedKey))
        {
            return null;
        }

        // Step 1
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(presentedKey), digest);
        if (CryptographicOperations.FixedTimeEquals(digest, state.Current.MasterKeyDigest))
        {
            return CallerIdentity.Master;
        }

        // Step 2
        var snapshot = directory.Current;
        var key = snapshot.FindKeyByHash(Convert.ToHexStringLower(digest));
        if (key is null)
        {
            return null;
        }

        var now = time.GetUtcNow();
        var matchesCurrent = DigestEquals(key.SecretHash, digest);
        var matchesPrevious = !matchesCurrent &&
            key.PreviousSecretHash is { } previous && key.PreviousSecretExpiresAt is { } graceEnd && now < graceEnd &&
            DigestEquals(previous, digest);
        if (!matchesCurrent && !matchesPrevious)
        {
            return null;
        }

        // Step 3
        if (key.RevokedAt is not null || (key.ExpiresAt is { } expires && now >= expires))
        {
            return null;
        }

        var user = snapshot.GetUser(key.UserId);
        var team = snapshot.GetTeam(key.TeamId);
        if (user?.BlockedAt is not null || team?.BlockedAt is not null)
        {
            return null;
        }

        // Step 4
        return new CallerIdentity(key.Id, key.Role == KeyRole.Admin)
        {
            Role = key.Role,
            Key = key,
            User = user,
            Team = team,
            Revoked = directory.GetRevocationToken(key.Id),
        };
    }

    private static bool DigestEquals(string storedHex, ReadOnlySpan<byte> digest)
    {
        Span<byte> stored = stackalloc byte[SHA256.HashSizeInBytes];
        return Convert.FromHexString(storedHex, stored, out _, out var written) == System.Buffers.OperationStatus.Done &&
            written == stored.Length &&
            CryptographicOperations.FixedTimeEquals(stored, digest);
    }
}
