using System.Globalization;
using System.Text.Json;
using Tollgate.Core.Errors;

namespace Tollgate.Server.Endpoints.Anthropic;

/// <summary>
/// <c>GET /v1/models</c> in Anthropic's shape (https://docs.claude.com/en/api/models-list), for clients that send
/// <c>anthropic-version</c>: <c>{"data":[{"type":"model","id","display_name","created_at"}],"has_more","first_id","last_id"}</c>,
/// paged by <c>limit</c> (1 to 1000, default 20), <c>after_id</c> and <c>before_id</c>.
/// </summary>
internal static class AnthropicModelsWriter
{
    public const int DefaultLimit = 20;

    public const int MaxLimit = 1000;

    /// <summary>Whether the request asks for Anthropic's shape.</summary>
    public static bool IsAnthropicClient(HttpRequest request) => request.Headers.ContainsKey("anthropic-version");

    public static void WriteList(Utf8JsonWriter writer, IReadOnlyList<string> names, IQueryCollection query, DateTimeOffset created)
    {
        var limit = DefaultLimit;
        if (query.TryGetValue("limit", out var limitValue))
        {
            if (!int.TryParse(limitValue.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit)
            {
                throw GatewayException.InvalidRequest($"limit: Input should be an integer from 1 to {MaxLimit}.", "limit");
            }
        }

        var from = 0;
        var to = names.Count;
        if (query.TryGetValue("after_id", out var after) && after.ToString() is { Length: > 0 } afterId)
        {
            from = IndexOf(names, afterId, "after_id") + 1;
        }

        if (query.TryGetValue("before_id", out var before) && before.ToString() is { Length: > 0 } beforeId)
        {
            to = IndexOf(names, beforeId, "before_id");
            from = Math.Max(from, to - limit);
        }

        var end = Math.Min(to, from + limit);
        var page = from < end ? names.Skip(from).Take(end - from).ToList() : [];
        writer.WriteStartObject();
        writer.WriteStartArray("data");
        foreach (var name in page)
        {
            WriteModel(writer, name, created);
        }

        writer.WriteEndArray();
        writer.WriteBoolean("has_more", end < to);
        WriteNullable(writer, "first_id", page.Count > 0 ? page[0] : null);
        WriteNullable(writer, "last_id", page.Count > 0 ? page[^1] : null);
        writer.WriteEndObject();
    }

    public static void WriteModel(Utf8JsonWriter writer, string name, DateTimeOffset created)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "model");
        writer.WriteString("id", name);
        writer.WriteString("display_name", name);
        writer.WriteString("created_at", created.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        writer.WriteEndObject();
    }

    private static int IndexOf(IReadOnlyList<string> names, string id, string parameter)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (string.Equals(names[i], id, StringComparison.Ordinal))
            {
                return i;
            }
        }

        throw GatewayException.InvalidRequest($"{parameter}: no model '{id}'.", parameter);
    }

    private static void WriteNullable(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }
}
