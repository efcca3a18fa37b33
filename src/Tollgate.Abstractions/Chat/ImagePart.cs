namespace Tollgate.Chat;

/// <summary>An image, given either by URL or inline as a <c>data:</c> URL.</summary>
/// <param name="Url">An http(s) URL, or a <c>data:&lt;media type&gt;;base64,&lt;data&gt;</c> URL.</param>
/// <param name="Detail">OpenAI's <c>detail</c> hint (<c>auto</c>, <c>low</c>, <c>high</c>), when given.</param>
public sealed record ImagePart(string Url, string? Detail = null) : ContentPart
{
    /// <summary>
    /// Splits a base64 <c>data:</c> URL into its media type and payload. Returns <see langword="false"/> for
    /// ordinary URLs and for data URLs that are not base64-encoded.
    /// </summary>
    public bool TryGetInlineData(out string mediaType, out string base64Data)
    {
        mediaType = string.Empty;
        base64Data = string.Empty;
        if (!Url.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var comma = Url.IndexOf(',', StringComparison.Ordinal);
        if (comma < 0)
        {
            return false;
        }

        var header = Url.AsSpan(5, comma - 5);
        const string Base64Suffix = ";base64";
        if (!header.EndsWith(Base64Suffix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        mediaType = header[..^Base64Suffix.Length].ToString();
        base64Data = Url[(comma + 1)..];
        return true;
    }
}
