using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Tollgate.Providers.Bedrock;

/// <summary>
/// AWS Signature Version 4 (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html), with the BCL's
/// SHA-256 and HMAC-SHA256 only. Stateless and thread-safe.
/// </summary>
/// <remarks>
/// Steps, as the documentation numbers them:
/// 1. The canonical request: method, canonical URI, canonical query string, canonical headers, signed headers and the
///    hex SHA-256 of the payload, joined by newlines.
/// 2. The string to sign: <c>AWS4-HMAC-SHA256</c>, the <c>x-amz-date</c> time, the credential scope
///    (<c>date/region/service/aws4_request</c>) and the hex SHA-256 of the canonical request.
/// 3. The signing key: HMAC chains over <c>"AWS4" + secret</c>, the date, the region, the service and <c>aws4_request</c>.
/// 4. The signature (hex HMAC of the string to sign) and the <c>Authorization</c> header.
/// The path given is encoded once more for the canonical URI: a path already percent-encoded on the wire (as
/// Bedrock's model ids with <c>:</c> are) is therefore encoded twice, which is what every service but S3 expects.
/// </remarks>
internal static class AwsSigV4Signer
{
    /// <summary>The algorithm name in the string to sign and the Authorization header.</summary>
    public const string Algorithm = "AWS4-HMAC-SHA256";

    /// <summary>Signs one request and returns every intermediate value, for the request and for tests.</summary>
    /// <param name="method">The HTTP method, upper case.</param>
    /// <param name="path">The absolute path as sent on the wire (percent-encoded where the request is).</param>
    /// <param name="query">The query string without <c>?</c>, or empty.</param>
    /// <param name="headers">The headers to sign, <c>host</c> and <c>x-amz-date</c> included; repeated names are joined in order.</param>
    /// <param name="payload">The request body.</param>
    /// <param name="credentials">The credentials.</param>
    /// <param name="region">The signing region, such as <c>us-east-1</c>.</param>
    /// <param name="service">The signing name, such as <c>bedrock</c>.</param>
    /// <param name="time">The signing time; its <c>yyyyMMdd'T'HHmmss'Z'</c> form must equal the <c>x-amz-date</c> header.</param>
    public static AwsSignature Sign(
        string method,
        string path,
        string query,
        IEnumerable<KeyValuePair<string, string>> headers,
        ReadOnlySpan<byte> payload,
        AwsCredentials credentials,
        string region,
        string service,
        DateTimeOffset time)
    {
        ArgumentNullException.ThrowIfNull(credentials);

        // Step 1: the canonical request.
        var (canonicalHeaders, signedHeaders) = CanonicalHeaders(headers);
        var canonicalRequest = string.Join(
            '\n',
            method,
            CanonicalUri(path),
            CanonicalQuery(query),
            canonicalHeaders,
            signedHeaders,
            HexSha256(payload));

        // Step 2: the string to sign.
        var utc = time.ToUniversalTime();
        var amzDate = FormatAmzDate(utc);
        var date = utc.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        var scope = $"{date}/{region}/{service}/aws4_request";
        var stringToSign = string.Join('\n', Algorithm, amzDate, scope, HexSha256(Encoding.UTF8.GetBytes(canonicalRequest)));

        // Step 3: the signing key.
        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + credentials.SecretAccessKey), date);
        key = Hmac(key, region);
        key = Hmac(key, service);
        key = Hmac(key, "aws4_request");

        // Step 4: the signature and the header.
        var signature = Convert.ToHexStringLower(Hmac(key, stringToSign));
        var authorization = $"{Algorithm} Credential={credentials.AccessKeyId}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}";
        return new AwsSignature(canonicalRequest, stringToSign, signature, authorization);
    }

    /// <summary>The <c>x-amz-date</c> form of a time: <c>20150830T123600Z</c>.</summary>
    public static string FormatAmzDate(DateTimeOffset time) =>
        time.ToUniversalTime().ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Each <c>/</c>-separated segment of <paramref name="path"/> URI-encoded (RFC 3986 unreserved characters kept); empty is <c>/</c>.</summary>
    public static string CanonicalUri(string path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return "/";
        }

        var segments = path.Split('/');
        for (var i = 0; i < segments.Length; i++)
        {
            segments[i] = UriEncode(segments[i]);
        }

        return string.Join('/', segments);
    }

    /// <summary>Parameters decoded, URI-encoded, and sorted by name then value (byte order); a name without <c>=</c> gets an empty value.</summary>
    public static string CanonicalQuery(string query)
    {
        if (string.IsNullOrEmpty(query))
        {
            return string.Empty;
        }

        var pairs = new List<(string Name, string Value)>();
        foreach (var parameter in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = parameter.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? parameter : parameter[..equals];
            var value = equals < 0 ? string.Empty : parameter[(equals + 1)..];
            pairs.Add((UriEncode(Uri.UnescapeDataString(name)), UriEncode(Uri.UnescapeDataString(value))));
        }

        pairs.Sort((a, b) =>
        {
            var byName = string.CompareOrdinal(a.Name, b.Name);
            return byName != 0 ? byName : string.CompareOrdinal(a.Value, b.Value);
        });
        return string.Join('&', pairs.Select(p => p.Name + "=" + p.Value));
    }

    /// <summary>
    /// Lower-case names sorted, each followed by <c>:</c> and its values (trimmed, inner runs of spaces collapsed to
    /// one, repeated headers joined by commas in order), one per line with a trailing newline; and the signed-header list.
    /// </summary>
    public static (string CanonicalHeaders, string SignedHeaders) CanonicalHeaders(IEnumerable<KeyValuePair<string, string>> headers)
    {
        var byName = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (name, value) in headers)
        {
            var key = name.Trim().ToLowerInvariant();
            if (!byName.TryGetValue(key, out var values))
            {
                values = [];
                byName[key] = values;
            }

            values.Add(CollapseSpaces(value));
        }

        var canonical = new StringBuilder();
        foreach (var (name, values) in byName)
        {
            canonical.Append(name).Append(':').AppendJoin(',', values).Append('\n');
        }

        return (canonical.ToString(), string.Join(';', byName.Keys));
    }

    /// <summary>Percent-encodes every UTF-8 byte except <c>A-Z a-z 0-9 - . _ ~</c>, with upper-case hex digits.</summary>
    public static string UriEncode(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~')
            {
                builder.Append(c);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    /// <summary>The lower-case hex SHA-256 of <paramref name="data"/>.</summary>
    public static string HexSha256(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));

    private static string CollapseSpaces(string value)
    {
        var trimmed = value.Trim();
        if (!trimmed.Contains("  ", StringComparison.Ordinal))
        {
            return trimmed;
        }

        var builder = new StringBuilder(trimmed.Length);
        var previousSpace = false;
        foreach (var c in trimmed)
        {
            if (c == ' ' && previousSpace)
            {
                continue;
            }

            builder.Append(c);
            previousSpace = c == ' ';
        }

        return builder.ToString();
    }

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));
}
