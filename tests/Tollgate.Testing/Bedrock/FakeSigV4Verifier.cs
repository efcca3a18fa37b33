using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Tollgate.Testing.Bedrock;

/// <summary>
/// Recomputes a request's AWS Signature Version 4 from what arrived on the wire, independently of the code under test,
/// for the non-S3 rules: the canonical URI is the raw request path with each segment URI-encoded once more (so a model
/// id sent as <c>a%3A0</c> is signed as <c>a%253A0</c>).
/// </summary>
internal static class FakeSigV4Verifier
{
    /// <summary>Returns <see langword="null"/> when the signature is right, else why not.</summary>
    public static string? Verify(
        string method,
        string rawTarget,
        Func<string, string?> header,
        byte[] body,
        string accessKeyId,
        string secretAccessKey,
        string? sessionToken,
        string region,
        string service)
    {
        var authorization = header("authorization");
        const string Prefix = "AWS4-HMAC-SHA256 ";
        if (authorization is null || !authorization.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return "missing";
        }

        var fields = authorization[Prefix.Length..].Split(',', StringSplitOptions.TrimEntries)
            .Select(f => f.Split('=', 2))
            .Where(kv => kv.Length == 2)
            .ToDictionary(kv => kv[0], kv => kv[1], StringComparer.Ordinal);
        if (!fields.TryGetValue("Credential", out var credential) || !fields.TryGetValue("SignedHeaders", out var signedHeaders) || !fields.TryGetValue("Signature", out var signature))
        {
            return "incomplete";
        }

        var scope = credential.Split('/');
        if (scope.Length != 5 || scope[0] != accessKeyId)
        {
            return "unknown-key";
        }

        if (scope[2] != region || scope[3] != service || scope[4] != "aws4_request")
        {
            return "bad-scope";
        }

        var amzDate = header("x-amz-date");
        if (amzDate is null || !amzDate.StartsWith(scope[1], StringComparison.Ordinal))
        {
            return "bad-date";
        }

        var names = signedHeaders.Split(';');
        if (!names.Contains("host") || !names.Contains("x-amz-date") || (sessionToken is not null && !names.Contains("x-amz-security-token")))
        {
            return "unsigned-headers";
        }

        if (sessionToken is not null && header("x-amz-security-token") != sessionToken)
        {
            return "bad-token";
        }

        var question = rawTarget.IndexOf('?', StringComparison.Ordinal);
        var path = question < 0 ? rawTarget : rawTarget[..question];
        var canonicalUri = string.Join('/', path.Split('/').Select(Encode));
        var canonicalHeaders = string.Concat(names.Select(n => n + ":" + (header(n) ?? string.Empty).Trim() + "\n"));
        var canonicalRequest = string.Join('\n', method, canonicalUri, string.Empty, canonicalHeaders, signedHeaders, Hex(SHA256.HashData(body)));
        var stringToSign = string.Join('\n', "AWS4-HMAC-SHA256", amzDate, string.Join('/', scope[1..]), Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest))));
        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + secretAccessKey), scope[1]);
        key = Hmac(key, region);
        key = Hmac(key, service);
        key = Hmac(key, "aws4_request");
        var expected = Hex(Hmac(key, stringToSign));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature)) ? null : "mismatch";
    }

    private static string Encode(string segment)
    {
        var builder = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(segment))
        {
            if (b is >= (byte)'A' and <= (byte)'Z' or >= (byte)'a' and <= (byte)'z' or >= (byte)'0' and <= (byte)'9' || b is (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~')
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append(CultureInfo.InvariantCulture, $"%{b:X2}");
            }
        }

        return builder.ToString();
    }

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
