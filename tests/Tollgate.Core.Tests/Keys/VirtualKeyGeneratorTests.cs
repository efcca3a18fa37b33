using Tollgate.Core.Keys;

namespace Tollgate.Core.Tests.Keys;

public sealed class VirtualKeyGeneratorTests
{
    [Fact]
    public void Generate_Secret_HasPrefixLengthAndUrlSafeCharset()
    {
        var key = VirtualKeyGenerator.Generate();

        Assert.StartsWith("sk-tg-", key.Secret, StringComparison.Ordinal);
        Assert.Equal(6 + 43, key.Secret.Length);
        Assert.All(key.Secret[6..], c => Assert.True(char.IsAsciiLetterOrDigit(c) || c is '-' or '_', $"unexpected '{c}'"));
        Assert.Equal(key.Secret[..10], key.DisplayPrefix);
        Assert.DoesNotContain(key.Secret, key.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_Hash_IsLowercaseHexSha256OfSecret()
    {
        var key = VirtualKeyGenerator.Generate();

        Assert.Equal(64, key.SecretHash.Length);
        Assert.Matches("^[0-9a-f]{64}$", key.SecretHash);
        Assert.Equal(VirtualKeyGenerator.HashSecret(key.Secret), key.SecretHash);
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", VirtualKeyGenerator.HashSecret("abc"));
    }

    [Fact]
    public void Generate_ManyKeys_AllDifferent()
    {
        var secrets = Enumerable.Range(0, 10_000).Select(_ => VirtualKeyGenerator.Generate().Secret).ToHashSet(StringComparer.Ordinal);

        Assert.Equal(10_000, secrets.Count);
    }
}
