using System.Net;
using System.Text.Json;
using Anthropic.Exceptions;
using Anthropic.Models.Messages;
using Anthropic.Models.Models;
using Tollgate.EndToEnd.Tests.Infrastructure;

namespace Tollgate.EndToEnd.Tests.AnthropicSurface;

/// <summary>Requests the gateway refuses itself, in Anthropic's error shape, and <c>/v1/models</c> for Anthropic clients.</summary>
public sealed class AnthropicSurfaceErrorTests(AnthropicSurfaceFixture gateway) : IClassFixture<AnthropicSurfaceFixture>
{
    [Theory]
    [InlineData("""{"model":"claude","max_tokens":16,"messages":[""", "")]
    [InlineData("""[1,2]""", "")]
    [InlineData("""{"model":"claude","messages":[{"role":"user","content":"hi"}]}""", "max_tokens")]
    [InlineData("""{"model":"claude","max_tokens":0,"messages":[{"role":"user","content":"hi"}]}""", "max_tokens")]
    [InlineData("""{"max_tokens":16,"messages":[{"role":"user","content":"hi"}]}""", "model")]
    [InlineData("""{"model":"claude","max_tokens":16}""", "messages")]
    [InlineData("""{"model":"gpt","max_tokens":16,"messages":[{"role":"assistant","content":"hi"}]}""", "messages.0.role")]
    [InlineData("""{"model":"gpt","max_tokens":16,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"base64","media_type":"image/png"}}]}]}""", "messages.0.content.0.source.data")]
    public async Task InvalidBody_400InvalidRequestNamingTheField(string body, string field)
    {
        using var http = gateway.Raw();
        var before = gateway.Anthropic.Requests.Count;

        using var response = await http.PostAsync("v1/messages", AnthropicSurfaceFixture.Json(body), TestTimeouts.Token());
        using var error = await AnthropicErrorAssert.ReadAsync(response, HttpStatusCode.BadRequest, "invalid_request_error");

        Assert.StartsWith(field, error.RootElement.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, gateway.Anthropic.Requests.Count);
    }

    [Fact]
    public async Task WrongKey_Sdk_401AuthenticationError()
    {
        var ex = await Assert.ThrowsAnyAsync<AnthropicApiException>(() => gateway.Sdk("sk-wrong").Messages.Create(
            new MessageCreateParams { Model = "claude", MaxTokens = 16, Messages = [new MessageParam { Role = Role.User, Content = "hi" }] },
            TestTimeouts.Token()));

        Assert.Equal(HttpStatusCode.Unauthorized, ex.StatusCode);
        using var error = JsonDocument.Parse(ex.ResponseBody);
        Assert.Equal("authentication_error", error.RootElement.GetProperty("error").GetProperty("type").GetString());
    }

    [Fact]
    public async Task BearerToken_AcceptedLikeXApiKey()
    {
        using var http = gateway.Raw(key: null);
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AnthropicSurfaceFixture.MasterKey);

        using var response = await http.PostAsync("v1/messages", AnthropicSurfaceFixture.Json("""{"model":"demo","max_tokens":16,"messages":[{"role":"user","content":"hi"}]}"""), TestTimeouts.Token());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task UnknownModel_404NotFound_NoUpstreamCall()
    {
        var anthropicBefore = gateway.Anthropic.Requests.Count;
        var openAIBefore = gateway.OpenAI.Requests.Count;

        var ex = await Assert.ThrowsAnyAsync<AnthropicApiException>(() => gateway.Sdk().Messages.Create(
            new MessageCreateParams { Model = "claude-nonexistent", MaxTokens = 16, Messages = [new MessageParam { Role = Role.User, Content = "hi" }] },
            TestTimeouts.Token()));

        Assert.Equal(HttpStatusCode.NotFound, ex.StatusCode);
        using var error = JsonDocument.Parse(ex.ResponseBody);
        Assert.Equal("not_found_error", error.RootElement.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal(anthropicBefore, gateway.Anthropic.Requests.Count);
        Assert.Equal(openAIBefore, gateway.OpenAI.Requests.Count);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("2023-01-01")]
    [InlineData("latest")]
    [InlineData("2023-6-1")]
    public async Task BadAnthropicVersion_400(string? version)
    {
        using var http = gateway.Raw(version: version);

        using var response = await http.PostAsync("v1/messages", AnthropicSurfaceFixture.Json("""{"model":"demo","max_tokens":16,"messages":[{"role":"user","content":"hi"}]}"""), TestTimeouts.Token());
        using var error = await AnthropicErrorAssert.ReadAsync(response, HttpStatusCode.BadRequest, "invalid_request_error");

        Assert.StartsWith("anthropic-version", error.RootElement.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LaterAnthropicVersion_Accepted()
    {
        using var http = gateway.Raw(version: "2026-10-21");

        using var response = await http.PostAsync("messages", AnthropicSurfaceFixture.Json("""{"model":"demo","max_tokens":16,"messages":[{"role":"user","content":"hi"}]}"""), TestTimeouts.Token());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.Contains("x-request-id"));
    }

    [Fact]
    public async Task UnknownUrl_AnthropicClient_404InAnthropicShape()
    {
        using var http = gateway.Raw();

        using var response = await http.PostAsync("v1/messages/batches", AnthropicSurfaceFixture.Json("{}"), TestTimeouts.Token());
        using var error = await AnthropicErrorAssert.ReadAsync(response, HttpStatusCode.NotFound, "not_found_error");
    }

    [Fact]
    public async Task Models_Sdk_ListedInAnthropicShape()
    {
        var page = await gateway.Sdk().Models.List(new ModelListParams(), TestTimeouts.Token());

        Assert.Contains(page.Items, m => m.ID == "claude" && m.DisplayName == "claude");
        Assert.Contains(page.Items, m => m.ID == "gpt");
    }

    [Fact]
    public async Task Models_RawHttp_AnthropicShapeOnlyWithVersionHeader()
    {
        using var anthropic = gateway.Raw();
        using var openai = gateway.Raw(version: null);

        using var listed = JsonDocument.Parse(await anthropic.GetStringAsync("v1/models?limit=2", TestTimeouts.Token()));
        using var one = JsonDocument.Parse(await anthropic.GetStringAsync("v1/models/gpt", TestTimeouts.Token()));
        using var openaiList = JsonDocument.Parse(await openai.GetStringAsync("v1/models", TestTimeouts.Token()));
        using var missing = await anthropic.GetAsync("v1/models/nope", TestTimeouts.Token());

        var data = listed.RootElement.GetProperty("data");
        Assert.Equal(2, data.GetArrayLength());
        Assert.Equal("model", data[0].GetProperty("type").GetString());
        Assert.Equal("claude", listed.RootElement.GetProperty("first_id").GetString());
        Assert.Equal("claude-usage", listed.RootElement.GetProperty("last_id").GetString());
        Assert.True(listed.RootElement.GetProperty("has_more").GetBoolean());
        Assert.Equal("gpt", one.RootElement.GetProperty("id").GetString());
        Assert.Equal("model", one.RootElement.GetProperty("type").GetString());
        Assert.Equal("list", openaiList.RootElement.GetProperty("object").GetString());
        using var error = await AnthropicErrorAssert.ReadAsync(missing, HttpStatusCode.NotFound, "not_found_error");
    }
}
