using System.Security.Cryptography;
using System.Text;
using Tollgate.Core.Gateway;

namespace Tollgate.Core.Keys;

/// <summary>
/// Accepts exactly the master key of the config in force. Compares SHA-256 digests in constant time, so neither
/// the key's length nor its content leaks through timing.
/// </summary>
public sealed class MasterKeyAuthenticator(GatewayState state) : IRequestAuthenticator
{
    private static readonly CallerIdentity Master = new("master", IsAdmin: true);

    /// <inheritdoc/>
    public ValueTask<CallerIdentity?> AuthenticateAsync(string? presentedKey, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(presentedKey))
        {
            return ValueTask.FromResult<CallerIdentity?>(null);
        }

        var expected = state.Current.MasterKeyDigest;
        Span<byte> actual = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(presentedKey), actual);
        return ValueTask.FromResult(CryptographicOperations.FixedTimeEquals(actual, expected) ? Master : null);
    }
}
