using System.Net;
using System.Text;
using System.Text.Json;
using Anthropic.Models.Messages;
using Microsoft.Extensions.DependencyInjection;
using Tollgate.Core.Metering;
using Tollgate.EndToEnd.Tests.Infrastructure;
using Tollgate.Testing.OpenAI;

namespace Tollgate.EndToEnd.Tests.AnthropicSurface;

/// <summary>The official Anthropic SDK through Tollgate to OpenAI-format and simulated providers: the translated path.</summary>
public sealed class AnthropicTranslationSurfaceTests(AnthropicSurfaceFixture gateway) : IClassFixture<AnthropicSurfaceFixture>
{
    private static readonly Dictionary<string, JsonElement> CitySchema = new()
    {
        ["city"] = JsonSerializer.SerializeToElement(new { type = "string" }),
    };

    [Fact]
    public async Task Create_Sdk_TranslatesBothWaysWithUsage()
    {
        var marker = Marker();

        var message = await gateway.Sdk().Messages.Create(
            new MessageCreateParams
            {
                Model = "gpt-usage",
                MaxTokens = 64,
                System = "answer plainly",
                Metadata = new Metadata { UserID = "user-42" },
                Messages = [new MessageParam { Role = Role.User, Content = $"bonjour le monde {marker}" }],
            },
            TestTimeouts.Token());

        Assert.StartsWith("msg_", message.ID, StringComparison.Ordinal);
        Assert.Equal("gpt-usage", message.Model.Raw());
        Assert.True(message.Content[0].TryPickText(out var text));
        Assert.Equal($"bonjour le monde {marker}", text!.Text);
        Assert.Equal("end_turn", message.StopReason!.Raw());
        Assert.Equal(6, message.Usage.InputTokens);
        Assert.Equal(4, message.Usage.OutputTokens);
        var upstream = ReceivedWith(marker);
        using var body = JsonDocument.Parse(upstream.Body);
        Assert.Equal("/v1/chat/completions", upstream.Path);
        Assert.Equal("gpt-4o-mini", body.RootElement.GetProperty("model").GetString());
        Assert.Equal("system", body.RootElement.GetProperty("messages")[0].GetProperty("role").GetString());
        Assert.Equal("user-42", body.RootElement.GetProperty("user").GetString());
        var max = body.RootElement.TryGetProperty("max_completion_tokens", out var completion) ? completion : body.RootElement.GetProperty("max_tokens");
        Assert.Equal(64, max.GetInt32());
        var totals = gateway.Server.Services.GetRequiredService<UsageTotals>();
        await TestTimeouts.PollAsync(() => totals.Get("gpt-usage")?.Requests >= 1, "the usage record");
        Assert.Equal(6, totals.Get("gpt-usage")!.InputTokens);
    }

    [Fact]
    public async Task CreateStreaming_ToolCall_Sdk_StreamsToolUseBlock()
    {
        var toolInput = new StringBuilder();
        string? toolName = null, stopReason = null;
        var blockTypes = new List<string>();

        await foreach (var ev in gateway.Sdk().Messages.CreateStreaming(
            new MessageCreateParams
            {
                Model = "gpt",
                MaxTokens = 64,
                Tools = [new Tool { Name = "get_weather", Description = "Weather by city", InputSchema = new InputSchema { Properties = CitySchema, Required = ["city"] } }],
                ToolChoice = new ToolChoiceAuto { DisableParallelToolUse = true },
                Messages = [new MessageParam { Role = Role.User, Content = "call: weather in Paris" }],
            },
            TestTimeouts.Token()))
        {
            if (ev.TryPickContentBlockStart(out var start))
            {
                blockTypes.Add(start!.ContentBlock.Type.GetString()!);
                if (start.ContentBlock.TryPickToolUse(out var toolUse))
                {
                    toolName = toolUse!.Name;
                }
            }

            if (ev.TryPickContentBlockDelta(out var delta) && delta!.Delta.TryPickInputJson(out var json))
            {
                toolInput.Append(json!.PartialJson);
            }

            if (ev.TryPickDelta(out var messageDelta))
            {
                stopReason = messageDelta!.Delta.StopReason?.Raw();
            }
        }

        Assert.Equal(["tool_use"], blockTypes);
        Assert.Equal("get_weather", toolName);
        Assert.Equal("weather in Paris", JsonDocument.Parse(toolInput.ToString()).RootElement.GetProperty("echo").GetString());
        Assert.Equal("tool_use", stopReason);
        var upstream = gateway.OpenAI.Requests.Last(r => r.Body.Contains("call: weather in Paris", StringComparison.Ordinal));
        using var body = JsonDocument.Parse(upstream.Body);
        Assert.False(body.RootElement.GetProperty("parallel_tool_calls").GetBoolean());
        Assert.Equal("get_weather", body.RootElement.GetProperty("tools")[0].GetProperty("function").GetProperty("name").GetString());
    }

    [Fact]
    public async Task ToolResultTurn_Sdk_ReachesUpstreamAsToolMessage()
    {
        var marker = Marker();
        var input = new Dictionary<string, JsonElement> { ["city"] = JsonSerializer.SerializeToElement("Paris") };

        var message = await gateway.Sdk().Messages.Create(
            new MessageCreateParams
            {
                Model = "gpt",
                MaxTokens = 64,
                Tools = [new Tool { Name = "get_weather", InputSchema = new InputSchema { Properties = CitySchema } }],
                Messages =
                [
                    new MessageParam { Role = Role.User, Content = "weather in Paris?" },
                    new MessageParam
                    {
                        Role = Role.Assistant,
                        Content = new List<ContentBlockParam> { new TextBlockParam("Let me check."), new ToolUseBlockParam { ID = "toolu_01", Name = "get_weather", Input = input } },
                    },
                    new MessageParam
                    {
                        Role = Role.User,
                        Content = new List<ContentBlockParam>
                        {
                            new ToolResultBlockParam("toolu_01") { Content = "sunny 21C" },
                            new TextBlockParam($"so it is sunny {marker}"),
                        },
                    },
                ],
            },
            TestTimeouts.Token());

        Assert.True(message.Content[0].TryPickText(out var text));
        Assert.Equal($"so it is sunny {marker}", text!.Text);
        using var body = JsonDocument.Parse(ReceivedWith(marker).Body);
        var messages = body.RootElement.GetProperty("messages");
        Assert.Equal(4, messages.GetArrayLength());
        Assert.Equal("assistant", messages[1].GetProperty("role").GetString());
        var call = messages[1].GetProperty("tool_calls")[0];
        Assert.Equal("toolu_01", call.GetProperty("id").GetString());
        Assert.Equal("Paris", JsonDocument.Parse(call.GetProperty("function").GetProperty("arguments").GetString()!).RootElement.GetProperty("city").GetString());
        Assert.Equal("tool", messages[2].GetProperty("role").GetString());
        Assert.Equal("toolu_01", messages[2].GetProperty("tool_call_id").GetString());
        Assert.Equal("user", messages[3].GetProperty("role").GetString());
    }

    [Fact]
    public async Task StopSequences_Sdk_ForwardedAndAnswerCut()
    {
        var marker = Marker();

        var message = await gateway.Sdk().Messages.Create(
            new MessageCreateParams
            {
                Model = "gpt",
                MaxTokens = 64,
                StopSequences = ["HALT"],
                Messages = [new MessageParam { Role = Role.User, Content = $"keep this {marker} HALT drop this" }],
            },
            TestTimeouts.Token());

        Assert.True(message.Content[0].TryPickText(out var text));
        Assert.Equal($"keep this {marker}", text!.Text.Trim());
        using var body = JsonDocument.Parse(ReceivedWith(marker).Body);
        Assert.Equal("HALT", body.RootElement.GetProperty("stop")[0].GetString());
    }

    [Fact]
    public async Task MaxTokensReached_Sdk_StopReasonMaxTokens()
    {
        var message = await gateway.Sdk().Messages.Create(
            new MessageCreateParams
            {
                Model = "gpt",
                MaxTokens = 2,
                Messages = [new MessageParam { Role = Role.User, Content = "one two three four" }],
            },
            TestTimeouts.Token());

        Assert.Equal("max_tokens", message.StopReason!.Raw());
        Assert.Equal(2, message.Usage.OutputTokens);
    }

    [Fact]
    public async Task Image_Sdk_ReachesUpstreamAsDataUrl()
    {
        var marker = Marker();

        await gateway.Sdk().Messages.Create(
            new MessageCreateParams
            {
                Model = "gpt",
                MaxTokens = 16,
                Messages =
                [
                    new MessageParam
                    {
                        Role = Role.User,
                        Content = new List<ContentBlockParam>
                        {
                            new ImageBlockParam(new Base64ImageSource { Data = "iVBORw0KGgo=", MediaType = MediaType.ImagePng }),
                            new TextBlockParam($"describe {marker}"),
                        },
                    },
                ],
            },
            TestTimeouts.Token());

        using var body = JsonDocument.Parse(ReceivedWith(marker).Body);
        var content = body.RootElement.GetProperty("messages")[0].GetProperty("content");
        Assert.Equal("data:image/png;base64,iVBORw0KGgo=", content[0].GetProperty("image_url").GetProperty("url").GetString());
    }

    [Fact]
    public async Task Stream_RawHttp_ExactAnthropicEventSequence()
    {
        using var http = gateway.Raw();
        var body = """{"model":"gpt","max_tokens":32,"stream":true,"messages":[{"role":"user","content":"three small words"}]}""";

        using var response = await http.PostAsync("v1/messages", AnthropicSurfaceFixture.Json(body), TestTimeouts.Token());
        var events = await AnthropicSse.ReadAllAsync(response, TestTimeouts.Token());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(
            ["message_start", "ping", "content_block_start", "content_block_delta", "content_block_delta", "content_block_delta", "content_block_stop", "message_delta", "message_stop"],
            events.Select(e => e.Name));
        using var start = JsonDocument.Parse(events[0].Data);
        Assert.Equal("gpt", start.RootElement.GetProperty("message").GetProperty("model").GetString());
        using var blockStart = JsonDocument.Parse(events[2].Data);
        Assert.Equal(0, blockStart.RootElement.GetProperty("index").GetInt32());
        Assert.Equal("text", blockStart.RootElement.GetProperty("content_block").GetProperty("type").GetString());
        using var messageDelta = JsonDocument.Parse(events[^2].Data);
        Assert.Equal("end_turn", messageDelta.RootElement.GetProperty("delta").GetProperty("stop_reason").GetString());
        Assert.Equal(3, messageDelta.RootElement.GetProperty("usage").GetProperty("input_tokens").GetInt32());
        Assert.Equal(3, messageDelta.RootElement.GetProperty("usage").GetProperty("output_tokens").GetInt32());
    }

    [Fact]
    public async Task Simulated_Sdk_CreateAndStream()
    {
        var client = gateway.Sdk();
        var message = await client.Messages.Create(
            new MessageCreateParams { Model = "demo", MaxTokens = 64, Messages = [new MessageParam { Role = Role.User, Content = "echo me" }] },
            TestTimeouts.Token());
        var streamed = new StringBuilder();
        await foreach (var ev in client.Messages.CreateStreaming(
            new MessageCreateParams { Model = "demo", MaxTokens = 64, Messages = [new MessageParam { Role = Role.User, Content = "echo me" }] },
            TestTimeouts.Token()))
        {
            if (ev.TryPickContentBlockDelta(out var delta) && delta!.Delta.TryPickText(out var chunk))
            {
                streamed.Append(chunk!.Text);
            }
        }

        Assert.True(message.Content[0].TryPickText(out var text));
        Assert.False(string.IsNullOrEmpty(text!.Text));
        Assert.Equal(text.Text, streamed.ToString());
        Assert.True(message.Usage.InputTokens > 0);
    }

    [Fact]
    public async Task CountTokens_NonAnthropicProvider_LocalEstimate()
    {
        var count = await gateway.Sdk().Messages.CountTokens(
            new MessageCountTokensParams { Model = "gpt", Messages = [new MessageParam { Role = Role.User, Content = "hello world" }] },
            TestTimeouts.Token());

        // 11 UTF-8 bytes / 3, rounded up, plus 4 for the message.
        Assert.Equal(8, count.InputTokens);
    }

    [Fact]
    public async Task ServerTool_TranslatedTarget_Refused400NamingTheTool()
    {
        using var http = gateway.Raw();
        var body = """{"model":"gpt","max_tokens":16,"tools":[{"type":"web_search_20250305","name":"web_search"}],"messages":[{"role":"user","content":"hi"}]}""";

        using var response = await http.PostAsync("v1/messages", AnthropicSurfaceFixture.Json(body), TestTimeouts.Token());
        using var error = await AnthropicErrorAssert.ReadAsync(response, HttpStatusCode.BadRequest, "invalid_request_error");

        Assert.Contains("web_search_20250305", error.RootElement.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpstreamRateLimit_Translated_RateLimitError()
    {
        using var http = gateway.Raw();
        var body = """{"model":"gpt-429","max_tokens":16,"messages":[{"role":"user","content":"hi"}]}""";

        using var response = await http.PostAsync("v1/messages", AnthropicSurfaceFixture.Json(body), TestTimeouts.Token());
        using var error = await AnthropicErrorAssert.ReadAsync(response, (HttpStatusCode)429, "rate_limit_error");

        Assert.Equal("2", response.Headers.GetValues("retry-after").Single());
    }

    [Fact]
    public async Task UpstreamRateLimit_TranslatedStream_ErrorBeforeFirstByteIsPlainJson()
    {
        using var http = gateway.Raw();
        var body = """{"model":"gpt-429","max_tokens":16,"stream":true,"messages":[{"role":"user","content":"hi"}]}""";

        using var response = await http.PostAsync("v1/messages", AnthropicSurfaceFixture.Json(body), TestTimeouts.Token());
        using var error = await AnthropicErrorAssert.ReadAsync(response, (HttpStatusCode)429, "rate_limit_error");
    }

    [Fact]
    public async Task UnreachableUpstream_502ApiError()
    {
        using var http = gateway.Raw();
        var body = """{"model":"gpt-dead","max_tokens":16,"messages":[{"role":"user","content":"hi"}]}""";

        using var response = await http.PostAsync("v1/messages", AnthropicSurfaceFixture.Json(body), TestTimeouts.Token());
        using var error = await AnthropicErrorAssert.ReadAsync(response, HttpStatusCode.BadGateway, "api_error");
    }

    private static string Marker() => "m" + Guid.NewGuid().ToString("N")[..8];

    private FakeOpenAIRequest ReceivedWith(string marker) =>
        Assert.Single(gateway.OpenAI.Requests, r => r.Body.Contains(marker, StringComparison.Ordinal));
}
