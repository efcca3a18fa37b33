using System.Security.Cryptography;
using System.Text;

namespace Tollgate.Core.Keys;

/// <summary>
/// Makes virtual key secrets: <c>sk-tg-</c> and 32 bytes (256 bits) from <see cref="RandomNumberGenerator"/> in
/// base64url, 49 characters in all. Only the SHA-256 digest (lowercase hex) and the first
/// <see cref="DisplayPrefixLength"/> characters are ever stored.
/// </summary>
public static class VirtualKeyGenerator
{
    /// <summary>What every virtual key starts with.</summary>
    public const string Prefix = "sk-tg-";

    /// <summary>How many leading characters of a secret are kept for display.</summary>
    public const int DisplayPrefixLength = 10;

    private const int RandomBytes = 32;

    /// <summary>Makes a new secret with its digest and display prefix.</summary>
    public static GeneratedKey Generate()
    {
        Span<byte> random = stackalloc byte[RandomBytes];
        RandomNumberGenerator.Fill(random);
        var secret = Prefix + Convert.ToBase64String(random).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        CryptographicOperations.ZeroMemory(random);
        return new GeneratedKey(secret, HashSecret(secret), secret[..DisplayPrefixLength]);
    }

    /// <summary>The SHA-256 digest of <paramref name="secret"/> as lowercase hex, the form stores keep.</summary>
    public static string HashSecret(string secret)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(secret), digest);
        return Convert.ToHexStringLower(digest);
    }
}
