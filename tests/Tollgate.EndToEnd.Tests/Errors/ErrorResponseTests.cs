using System.ClientModel;
using System.Text;
using OpenAI.Chat;
using Tollgate.EndToEnd.Tests.Infrastructure;
using Tollgate.EndToEnd.Tests.OpenAI;

namespace Tollgate.EndToEnd.Tests.Errors;

/// <summary>Every failure reaches the client as an OpenAI-shaped error with the right status.</summary>
public sealed class ErrorResponseTests(GatewayFixture gateway) : IClassFixture<GatewayFixture>
{
    private const string ValidBody = """{"model":"gpt-test","messages":[{"role":"user","content":"hi"}]}""";

    [Fact]
    public async Task Auth_MissingKey_Returns401()
    {
        using var anonymous = GatewayFixture.CreateHttpClient(gateway.BaseUrl, key: null);

        using var response = await anonymous.PostAsync("v1/chat/completions", OpenAIPassthroughTests.Json(ValidBody), TestTimeouts.Token());

        await OpenAIErrorAssert.HasErrorAsync(response, 401, type: "authentication_error", code: "invalid_api_key");
    }

    [Fact]
    public async Task Auth_WrongKey_Returns401()
    {
        using var wrong = GatewayFixture.CreateHttpClient(gateway.BaseUrl, "sk-wrong");

        using var response = await wrong.PostAsync("v1/chat/completions", OpenAIPassthroughTests.Json(ValidBody), TestTimeouts.Token());

        await OpenAIErrorAssert.HasErrorAsync(response, 401, type: "authentication_error", code: "invalid_api_key");
    }

    [Fact]
    public async Task Auth_WrongKey_SdkSees401()
    {
        var ex = await Assert.ThrowsAsync<ClientResultException>(() =>
            gateway.Chat("gpt-test", key: "sk-wrong").CompleteChatAsync([new UserChatMessage("hi")], cancellationToken: TestTimeouts.Token()));

        Assert.Equal(401, ex.Status);
    }

    [Fact]
    public async Task Model_Unknown_Returns404WithoutCallingUpstream()
    {
        var marker = "m" + Guid.NewGuid().ToString("N");
        var body = $$"""{"model":"no-such-model","messages":[{"role":"user","content":"{{marker}}"}]}""";

        using var response = await gateway.Http.PostAsync("v1/chat/completions", OpenAIPassthroughTests.Json(body), TestTimeouts.Token());

        await OpenAIErrorAssert.HasErrorAsync(response, 404, type: "invalid_request_error", code: "model_not_found", param: "model");
        Assert.DoesNotContain(gateway.OpenAI.Requests, r => r.Body.Contains(marker, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Body_MalformedJson_Returns400()
    {
        using var response = await gateway.Http.PostAsync("v1/chat/completions", OpenAIPassthroughTests.Json("""{"model":"gpt-test","messages":["""), TestTimeouts.Token());

        await OpenAIErrorAssert.HasErrorAsync(response, 400, type: "invalid_request_error", code: "invalid_json");
    }

    [Fact]
    public async Task Body_WrongFieldType_Returns400NamingParam()
    {
        var body = """{"model":"gpt-test","temperature":"hot","messages":[{"role":"user","content":"hi"}]}""";

        using var response = await gateway.Http.PostAsync("v1/chat/completions", OpenAIPassthroughTests.Json(body), TestTimeouts.Token());

        await OpenAIErrorAssert.HasErrorAsync(response, 400, type: "invalid_request_error", param: "temperature");
    }

    [Fact]
    public async Task Body_MissingMessages_Returns400()
    {
        using var response = await gateway.Http.PostAsync("v1/chat/completions", OpenAIPassthroughTests.Json("""{"model":"gpt-test"}"""), TestTimeouts.Token());

        await OpenAIErrorAssert.HasErrorAsync(response, 400, type: "invalid_request_error", code: "missing_required_parameter", param: "messages");
    }

    [Fact]
    public async Task Body_OverLimit_Returns413()
    {
        var yaml = GatewayFixture.Config(gateway.OpenAI.BaseUrl, gateway.Anthropic.BaseUrl, GatewayFixture.ClosedBaseUrl())
            .Replace("server:\n", "server:\n  max_request_body_bytes: 1024\n", StringComparison.Ordinal);
        await using var server = await TollgateTestServer.StartAsync(yaml);
        using var http = GatewayFixture.CreateHttpClient(server.BaseUrl, server.MasterKey);
        var body = $$"""{"model":"gpt-test","messages":[{"role":"user","content":"{{new string('x', 2048)}}"}]}""";

        using var declared = await http.PostAsync("v1/chat/completions", OpenAIPassthroughTests.Json(body), TestTimeouts.Token());
        using var chunked = await http.PostAsync("v1/chat/completions", new ChunkedContent(Encoding.UTF8.GetBytes(body)), TestTimeouts.Token());
        using var small = await http.PostAsync("v1/chat/completions", OpenAIPassthroughTests.Json(ValidBody), TestTimeouts.Token());

        await OpenAIErrorAssert.HasErrorAsync(declared, 413, type: "invalid_request_error", code: "request_too_large");
        await OpenAIErrorAssert.HasErrorAsync(chunked, 413, type: "invalid_request_error", code: "request_too_large");
        Assert.True(declared.Headers.ConnectionClose, "the unread body ends the connection, so the 413 says so");
        Assert.True(chunked.Headers.ConnectionClose, "the unread body ends the connection, so the 413 says so");
        Assert.Equal(200, (int)small.StatusCode);
    }

    [Fact]
    public async Task Upstream_RejectsProviderKey_ClientNeverSeesAnyPartOfIt()
    {
        const string ProviderKey = "sk-secret-provider-key-0123456789";
        var yaml = GatewayFixture.Config(gateway.OpenAI.BaseUrl, gateway.Anthropic.BaseUrl, GatewayFixture.ClosedBaseUrl())
            .Replace("sk-upstream-test", ProviderKey, StringComparison.Ordinal);
        Assert.Contains(ProviderKey, yaml, StringComparison.Ordinal);
        await using var server = await TollgateTestServer.StartAsync(yaml);
        using var http = GatewayFixture.CreateHttpClient(server.BaseUrl, server.MasterKey);

        using var response = await http.PostAsync("v1/chat/completions", OpenAIPassthroughTests.Json(ValidBody), TestTimeouts.Token());
        var body = await response.Content.ReadAsStringAsync(TestTimeouts.Token());

        // The fake upstream quotes the key's first characters, as OpenAI does ("Incorrect API key provided: sk-sec***").
        Assert.Equal(401, (int)response.StatusCode);
        Assert.DoesNotContain("sk-sec", body, StringComparison.Ordinal);
        Assert.DoesNotContain(ProviderKey, body, StringComparison.Ordinal);
        Assert.Contains("upstream_authentication_failed", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upstream_Unreachable_Returns502()
    {
        using var response = await gateway.Http.PostAsync("v1/chat/completions", OpenAIPassthroughTests.Json(Body("gpt-dead")), TestTimeouts.Token());

        await OpenAIErrorAssert.HasErrorAsync(response, 502);
    }

    [Fact]
    public async Task Upstream_NoFirstByte_Returns504WithinBound()
    {
        var started = TimeProvider.System.GetTimestamp();

        using var response = await gateway.Http.PostAsync("v1/chat/completions", OpenAIPassthroughTests.Json(Body("gpt-hang")), TestTimeouts.Token());

        await OpenAIErrorAssert.HasErrorAsync(response, 504);
        Assert.InRange(TimeProvider.System.GetElapsedTime(started), TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(5));
    }

    [Theory]
    [InlineData("gpt-500", 500)]
    [InlineData("gpt-503", 503)]
    public async Task Upstream_ServerError_PassedThroughWithStatus(string model, int status)
    {
        using var response = await gateway.Http.PostAsync("v1/chat/completions", OpenAIPassthroughTests.Json(Body(model)), TestTimeouts.Token());

        await OpenAIErrorAssert.HasErrorAsync(response, status);
    }

    [Fact]
    public async Task Url_Unknown_Returns404Json()
    {
        using var response = await gateway.Http.GetAsync("v1/nothing/here", TestTimeouts.Token());

        await OpenAIErrorAssert.HasErrorAsync(response, 404, type: "invalid_request_error", code: "unknown_url");
    }

    [Theory]
    [InlineData("healthz", "ok")]
    [InlineData("readyz", "ready")]
    public async Task Health_WithoutKey_Returns200(string path, string status)
    {
        using var anonymous = GatewayFixture.CreateHttpClient(gateway.BaseUrl, key: null);

        using var response = await anonymous.GetAsync(path, TestTimeouts.Token());

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Contains($"\"status\":\"{status}\"", await response.Content.ReadAsStringAsync(TestTimeouts.Token()), StringComparison.Ordinal);
    }

    private static string Body(string model) => $$"""{"model":"{{model}}","messages":[{"role":"user","content":"hi"}]}""";

    /// <summary>A body sent without Content-Length, so only reading it can find it too large.</summary>
    private sealed class ChunkedContent(byte[] bytes) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) => stream.WriteAsync(bytes).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
