using System.ClientModel;
using System.Text;
using System.Text.Json;
using OpenAI.Chat;
using Tollgate.EndToEnd.Tests.Infrastructure;

namespace Tollgate.EndToEnd.Tests.Contract;

/// <summary>
/// The shared contract, spoken by an OpenAI client (the official SDK) to every provider type: text, streaming, tools
/// over several turns, image input, token limits, stop sequences and errors. Same assertions for every provider.
/// </summary>
[Collection(ContractCollection.Name)]
public sealed class OpenAISurfaceContractTests(ContractFixture fixture)
{
    // A 1x1 transparent PNG.
    private const string Png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";

    public static TheoryData<string> Targets() => new(ContractFixture.TargetNames);

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Text_IsAnsweredWithStopAndUsage(string target)
    {
        var chat = fixture.OpenAIChat(fixture.Targets[target].Model);

        var completion = (await chat.CompleteChatAsync([new SystemChatMessage("Answer briefly."), new UserChatMessage("contract text answer")], cancellationToken: TestTimeouts.Token())).Value;

        Assert.Equal("contract text answer", completion.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.True(completion.Usage.InputTokenCount > 0);
        Assert.Equal(3, completion.Usage.OutputTokenCount);
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Streaming_GivesTheSameTextAndUsageAsNonStreaming(string target)
    {
        var chat = fixture.OpenAIChat(fixture.Targets[target].Model);
        ChatMessage[] messages = [new UserChatMessage("streamed contract words arrive in order")];
        var whole = (await chat.CompleteChatAsync(messages, cancellationToken: TestTimeouts.Token())).Value;

        var text = new StringBuilder();
        ChatTokenUsage? usage = null;
        ChatFinishReason? finish = null;
        var updates = 0;
        await foreach (var update in chat.CompleteChatStreamingAsync(messages, new ChatCompletionOptions(), TestTimeouts.Token()))
        {
            updates++;
            text.AppendJoin(string.Empty, update.ContentUpdate.Select(p => p.Text));
            usage = update.Usage ?? usage;
            finish = update.FinishReason ?? finish;
        }

        Assert.Equal("streamed contract words arrive in order", text.ToString());
        Assert.True(updates > 2, $"{updates} updates: the answer was not streamed");
        Assert.Equal(ChatFinishReason.Stop, finish);
        Assert.NotNull(usage);
        Assert.Equal(whole.Usage.InputTokenCount, usage.InputTokenCount);
        Assert.Equal(whole.Usage.OutputTokenCount, usage.OutputTokenCount);
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Tools_OverSeveralTurns_PairCallsWithResults(string target)
    {
        var chat = fixture.OpenAIChat(fixture.Targets[target].Model);
        var weather = ChatTool.CreateFunctionTool("get_weather", "The weather in a city.", BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}"""));
        var options = new ChatCompletionOptions { Tools = { weather } };
        var messages = new List<ChatMessage> { new UserChatMessage("call: Lisbon") };

        // Turn 1: the model calls the tool.
        var first = (await chat.CompleteChatAsync(messages, options, TestTimeouts.Token())).Value;
        Assert.Equal(ChatFinishReason.ToolCalls, first.FinishReason);
        var call = Assert.Single(first.ToolCalls);
        Assert.Equal("get_weather", call.FunctionName);
        Assert.False(string.IsNullOrEmpty(call.Id));
        Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(call.FunctionArguments).RootElement.ValueKind);

        // Turn 2: the result goes back, paired by id, and the user asks again: another call.
        messages.Add(new AssistantChatMessage(first.ToolCalls));
        messages.Add(new ToolChatMessage(call.Id, """{"temperature_c":21}"""));
        messages.Add(new UserChatMessage("call: Porto"));
        var second = (await chat.CompleteChatAsync(messages, options, TestTimeouts.Token())).Value;
        var secondCall = Assert.Single(second.ToolCalls);

        // Turn 3: both results are in the history; a plain question gets a text answer.
        messages.Add(new AssistantChatMessage(second.ToolCalls));
        messages.Add(new ToolChatMessage(secondCall.Id, """{"temperature_c":19}"""));
        messages.Add(new UserChatMessage("summarise the weather"));
        var third = (await chat.CompleteChatAsync(messages, options, TestTimeouts.Token())).Value;
        Assert.Equal(ChatFinishReason.Stop, third.FinishReason);
        Assert.Contains("summarise the weather", third.Content[0].Text, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task ImageInput_IsAccepted(string target)
    {
        var chat = fixture.OpenAIChat(fixture.Targets[target].Model);
        var message = new UserChatMessage(
            ChatMessageContentPart.CreateTextPart("describe this image"),
            ChatMessageContentPart.CreateImagePart(BinaryData.FromBytes(Convert.FromBase64String(Png)), "image/png"));

        var completion = (await chat.CompleteChatAsync([message], cancellationToken: TestTimeouts.Token())).Value;

        Assert.Contains("describe this image", completion.Content[0].Text, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task TokenLimit_EndsWithLength(string target)
    {
        var chat = fixture.OpenAIChat(fixture.Targets[target].Model);
        var options = new ChatCompletionOptions { MaxOutputTokenCount = 2 };

        var completion = (await chat.CompleteChatAsync([new UserChatMessage("one two three four five")], options, TestTimeouts.Token())).Value;

        Assert.Equal(ChatFinishReason.Length, completion.FinishReason);
        Assert.Equal(2, completion.Usage.OutputTokenCount);
        Assert.Equal("one two", completion.Content[0].Text.Trim());
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task StopSequence_EndsTheAnswerBeforeIt(string target)
    {
        var chat = fixture.OpenAIChat(fixture.Targets[target].Model);
        var options = new ChatCompletionOptions { StopSequences = { "HALT" } };

        var completion = (await chat.CompleteChatAsync([new UserChatMessage("alpha beta HALT gamma")], options, TestTimeouts.Token())).Value;

        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.Equal("alpha beta", completion.Content[0].Text.Trim());
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task RateLimited_Is429InOpenAIShape(string target)
    {
        var body = $$"""{"model":"{{fixture.Targets[target].RateLimitedModel}}","messages":[{"role":"user","content":"hello"}]}""";
        using var content = new StringContent(body, Encoding.UTF8, "application/json");

        using var response = await fixture.Http.PostAsync("v1/chat/completions", content, TestTimeouts.Token());

        Assert.Equal(429, (int)response.StatusCode);
        using var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestTimeouts.Token()));
        // Translated providers say rate_limit_error; the pass-through keeps the upstream's own type (OpenAI: "requests").
        Assert.False(string.IsNullOrEmpty(error.RootElement.GetProperty("error").GetProperty("type").GetString()));
        Assert.False(string.IsNullOrEmpty(error.RootElement.GetProperty("error").GetProperty("message").GetString()));
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task SdkError_SurfacesAsClientResultException(string target)
    {
        var chat = fixture.OpenAIChat(fixture.Targets[target].RateLimitedModel);

        var error = await Assert.ThrowsAsync<ClientResultException>(() => chat.CompleteChatAsync([new UserChatMessage("hello")], cancellationToken: TestTimeouts.Token()));

        Assert.Equal(429, error.Status);
    }
}

[CollectionDefinition(Name)]
public sealed class ContractCollection : ICollectionFixture<ContractFixture>
{
    public const string Name = "contract";
}
