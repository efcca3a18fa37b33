namespace Tollgate.Server.Endpoints;

/// <summary>Reads the key a client presents.</summary>
internal static class BearerToken
{
    /// <summary><c>Authorization: Bearer &lt;key&gt;</c>, else <c>x-api-key</c> (the Anthropic SDK's header), else <see langword="null"/>.</summary>
    public static string? Read(HttpRequest request)
    {
        var authorization = request.Headers.Authorization;
        if (authorization.Count > 0)
        {
            var value = authorization[0];
            if (value is not null && value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            {
                var token = value.AsSpan(7).Trim();
                return token.IsEmpty ? null : token.ToString();
            }
        }

        var apiKey = request.Headers["x-api-key"];
        return apiKey.Count > 0 && !string.IsNullOrWhiteSpace(apiKey[0]) ? apiKey[0] : null;
    }
}
