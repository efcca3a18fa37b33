using System.Text.Json;

namespace Tollgate.EndToEnd.Tests.Infrastructure;

/// <summary>Checks that a response is an error in OpenAI's shape: <c>{"error":{"message","type","param","code"}}</c>.</summary>
internal static class OpenAIErrorAssert
{
    /// <summary>Asserts status, shape and type; returns the <c>error</c> object for further checks.</summary>
    public static async Task<JsonElement> HasErrorAsync(HttpResponseMessage response, int status, string? type = null, string? code = null, string? param = null)
    {
        var body = await response.Content.ReadAsStringAsync().WaitAsync(TestTimeouts.Default);
        Assert.True((int)response.StatusCode == status, $"Expected {status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.Contains("x-request-id"), "every response carries x-request-id");
        return HasShape(body, type, code, param);
    }

    public static JsonElement HasShape(string json, string? type = null, string? code = null, string? param = null)
    {
        using var doc = JsonDocument.Parse(json);
        var error = doc.RootElement.GetProperty("error").Clone();
        Assert.Equal(JsonValueKind.String, error.GetProperty("message").ValueKind);
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
        Assert.Equal(JsonValueKind.String, error.GetProperty("type").ValueKind);
        Assert.True(error.TryGetProperty("param", out _), "error.param is present (null when none)");
        Assert.True(error.TryGetProperty("code", out _), "error.code is present (null when none)");
        if (type is not null)
        {
            Assert.Equal(type, error.GetProperty("type").GetString());
        }

        if (code is not null)
        {
            Assert.Equal(code, error.GetProperty("code").GetString());
        }

        if (param is not null)
        {
            Assert.Equal(param, error.GetProperty("param").GetString());
        }

        return error;
    }
}
