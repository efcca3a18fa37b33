using System.Net;
using System.Text.Json;

namespace Tollgate.EndToEnd.Tests.AnthropicSurface;

/// <summary>Checks an error answer has Anthropic's shape: <c>{"type":"error","error":{"type","message"},"request_id"}</c> and an <c>x-request-id</c>.</summary>
internal static class AnthropicErrorAssert
{
    public static async Task<JsonDocument> ReadAsync(HttpResponseMessage response, HttpStatusCode status, string type)
    {
        var raw = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {raw}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var document = JsonDocument.Parse(raw);
        var root = document.RootElement;
        Assert.Equal("error", root.GetProperty("type").GetString());
        Assert.Equal(type, root.GetProperty("error").GetProperty("type").GetString());
        Assert.False(string.IsNullOrEmpty(root.GetProperty("error").GetProperty("message").GetString()));
        var requestId = Assert.Single(response.Headers.GetValues("x-request-id"));
        Assert.Equal(requestId, root.GetProperty("request_id").GetString());
        return document;
    }
}
