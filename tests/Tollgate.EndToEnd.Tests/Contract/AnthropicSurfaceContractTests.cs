using System.Net;
using System.Text;
using System.Text.Json;
using Anthropic.Exceptions;
using Anthropic.Models.Messages;
using Tollgate.EndToEnd.Tests.Infrastructure;

namespace Tollgate.EndToEnd.Tests.Contract;

/// <summary>
/// The shared contract, spoken by an Anthropic client (the official SDK) to every provider type: text, streaming, tools
/// over several turns, image input, token limits, stop sequences and errors. Same assertions for every provider.
/// </summary>
[Collection(ContractCollection.Name)]
public sealed class AnthropicSurfaceContractTests(ContractFixture fixture)
{
    private const string Png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";

    private static readonly Dictionary<string, JsonElement> CitySchema = new()
    {
        ["city"] = JsonSerializer.SerializeToElement(new { type = "string" }),
    };

    private static readonly HashSet<string> ReportsStopSequence = ["anthropic", "simulated"];

    public static TheoryData<string> Targets() => new(ContractFixture.TargetNames);

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Text_IsAnsweredWithEndTurnAndUsage(string target)
    {
        var message = await fixture.AnthropicSdk().Messages.Create(
            new MessageCreateParams
            {
                Model = fixture.Targets[target].Model,
                MaxTokens = 64,
                System = "Answer briefly.",
                Messages = [new MessageParam { Role = Role.User, Content = "contract text answer" }],
            },
            TestTimeouts.Token());

        Assert.True(message.Content[0].TryPickText(out var text));
        Assert.Equal("contract text answer", text!.Text);
        Assert.Equal("end_turn", message.StopReason!.Raw());
        Assert.True(message.Usage.InputTokens > 0);
        Assert.Equal(3, message.Usage.OutputTokens);
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Streaming_GivesTheSameTextAndUsageAsNonStreaming(string target)
    {
        var parameters = new MessageCreateParams
        {
            Model = fixture.Targets[target].Model,
            MaxTokens = 64,
            Messages = [new MessageParam { Role = Role.User, Content = "streamed contract words arrive in order" }],
        };
        var whole = await fixture.AnthropicSdk().Messages.Create(parameters, TestTimeouts.Token());

        var text = new StringBuilder();
        string? stopReason = null;
        long? outputTokens = null;
        var deltas = 0;
        await foreach (var ev in fixture.AnthropicSdk().Messages.CreateStreaming(parameters, TestTimeouts.Token()))
        {
            if (ev.TryPickContentBlockDelta(out var delta) && delta!.Delta.TryPickText(out var chunk))
            {
                deltas++;
                text.Append(chunk!.Text);
            }

            if (ev.TryPickDelta(out var messageDelta))
            {
                stopReason = messageDelta!.Delta.StopReason?.Raw();
                outputTokens = messageDelta.Usage.OutputTokens;
            }
        }

        Assert.Equal("streamed contract words arrive in order", text.ToString());
        Assert.True(deltas > 1, $"{deltas} text deltas: the answer was not streamed");
        Assert.Equal("end_turn", stopReason);
        Assert.Equal(whole.Usage.OutputTokens, outputTokens);
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Tools_OverSeveralTurns_PairCallsWithResults(string target)
    {
        var tools = new List<ToolUnion> { new Tool { Name = "get_weather", Description = "The weather in a city.", InputSchema = new InputSchema { Properties = CitySchema, Required = ["city"] } } };
        var messages = new List<MessageParam> { new() { Role = Role.User, Content = "call: Lisbon" } };

        // Turn 1: the model calls the tool.
        var first = await Create(target, messages, tools);
        Assert.Equal("tool_use", first.StopReason!.Raw());
        var call = ToolUse(first);
        Assert.Equal("get_weather", call.Name);
        Assert.False(string.IsNullOrEmpty(call.ID));

        // Turn 2: the result goes back, paired by id, and the user asks again: another call.
        messages.Add(new MessageParam { Role = Role.Assistant, Content = new List<ContentBlockParam> { new ToolUseBlockParam { ID = call.ID, Name = call.Name, Input = call.Input } } });
        messages.Add(new MessageParam { Role = Role.User, Content = new List<ContentBlockParam> { new ToolResultBlockParam(call.ID) { Content = "21C" }, new TextBlockParam("call: Porto") } });
        var second = await Create(target, messages, tools);
        var secondCall = ToolUse(second);

        // Turn 3: both results are in the history; a plain question gets a text answer.
        messages.Add(new MessageParam { Role = Role.Assistant, Content = new List<ContentBlockParam> { new ToolUseBlockParam { ID = secondCall.ID, Name = secondCall.Name, Input = secondCall.Input } } });
        messages.Add(new MessageParam { Role = Role.User, Content = new List<ContentBlockParam> { new ToolResultBlockParam(secondCall.ID) { Content = "19C" }, new TextBlockParam("summarise the weather") } });
        var third = await Create(target, messages, tools);
        Assert.Equal("end_turn", third.StopReason!.Raw());
        Assert.True(third.Content[^1].TryPickText(out var text));
        Assert.Contains("summarise the weather", text!.Text, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task ImageInput_IsAccepted(string target)
    {
        var message = await Create(target, [new MessageParam
        {
            Role = Role.User,
            Content = new List<ContentBlockParam>
            {
                new ImageBlockParam(new Base64ImageSource { Data = Png, MediaType = MediaType.ImagePng }),
                new TextBlockParam("describe this image"),
            },
        }]);

        Assert.True(message.Content[0].TryPickText(out var text));
        Assert.Contains("describe this image", text!.Text, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task TokenLimit_EndsWithMaxTokens(string target)
    {
        var message = await Create(target, [new MessageParam { Role = Role.User, Content = "one two three four five" }], maxTokens: 2);

        Assert.Equal("max_tokens", message.StopReason!.Raw());
        Assert.Equal(2, message.Usage.OutputTokens);
        Assert.True(message.Content[0].TryPickText(out var text));
        Assert.Equal("one two", text!.Text.Trim());
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task StopSequence_EndsTheAnswerBeforeIt(string target)
    {
        var message = await fixture.AnthropicSdk().Messages.Create(
            new MessageCreateParams
            {
                Model = fixture.Targets[target].Model,
                MaxTokens = 64,
                StopSequences = ["HALT"],
                Messages = [new MessageParam { Role = Role.User, Content = "alpha beta HALT gamma" }],
            },
            TestTimeouts.Token());

        Assert.True(message.Content[0].TryPickText(out var text));
        Assert.Equal("alpha beta", text!.Text.Trim());

        // Only some upstreams say which sequence matched; the others' "stop" reads as a natural end.
        if (ReportsStopSequence.Contains(target))
        {
            Assert.Equal("stop_sequence", message.StopReason!.Raw());
            Assert.Equal("HALT", message.StopSequence);
        }
        else
        {
            Assert.Equal("end_turn", message.StopReason!.Raw());
        }
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task RateLimited_Is429InAnthropicShape(string target)
    {
        var body = $$"""{"model":"{{fixture.Targets[target].RateLimitedModel}}","max_tokens":16,"messages":[{"role":"user","content":"hello"}]}""";
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/messages") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("anthropic-version", "2023-06-01");

        using var response = await fixture.Http.SendAsync(request, TestTimeouts.Token());

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        using var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestTimeouts.Token()));
        Assert.Equal("error", error.RootElement.GetProperty("type").GetString());
        Assert.Equal("rate_limit_error", error.RootElement.GetProperty("error").GetProperty("type").GetString());
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task SdkError_SurfacesAsRateLimitException(string target)
    {
        var parameters = new MessageCreateParams
        {
            Model = fixture.Targets[target].RateLimitedModel,
            MaxTokens = 16,
            Messages = [new MessageParam { Role = Role.User, Content = "hello" }],
        };

        var error = await Assert.ThrowsAnyAsync<AnthropicApiException>(() => fixture.AnthropicSdk().Messages.Create(parameters, TestTimeouts.Token()));

        Assert.Equal(HttpStatusCode.TooManyRequests, error.StatusCode);
    }

    private Task<Message> Create(string target, List<MessageParam> messages, List<ToolUnion>? tools = null, int maxTokens = 64) =>
        fixture.AnthropicSdk().Messages.Create(
            new MessageCreateParams { Model = fixture.Targets[target].Model, MaxTokens = maxTokens, Messages = messages, Tools = tools },
            TestTimeouts.Token());

    private static ToolUseBlock ToolUse(Message message)
    {
        foreach (var block in message.Content)
        {
            if (block.TryPickToolUse(out var toolUse))
            {
                return toolUse!;
            }
        }

        throw new Xunit.Sdk.XunitException("The answer has no tool_use block.");
    }
}
