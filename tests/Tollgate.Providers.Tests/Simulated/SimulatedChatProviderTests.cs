using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Tollgate.Chat;
using Tollgate.Embeddings;
using Tollgate.Providers.Simulated;
using static Tollgate.Providers.Tests.Simulated.SimulatedProviderTestContext;

namespace Tollgate.Providers.Tests.Simulated;

public class SimulatedChatProviderTests
{
    [Fact]
    public async Task CompleteAsync_Default_EchoesLastUserTextWithUsage()
    {
        var provider = Create();

        var response = await provider.CompleteAsync(Request("Hello, world!"), CancellationToken.None).WaitAsync(TestTimeout);

        var choice = Assert.Single(response.Choices);
        Assert.Equal("Hello, world!", choice.Message.GetText());
        Assert.Equal(ChatRole.Assistant, choice.Message.Role);
        Assert.Equal(FinishReason.Stop, choice.FinishReason);
        Assert.Equal("sim-model", response.Model);
        Assert.StartsWith("chatcmpl-sim-", response.Id, StringComparison.Ordinal);
        Assert.Equal(3 + 4, response.Usage!.InputTokens); // "Be brief." + "Hello, world!"
        Assert.Equal(4, response.Usage.OutputTokens);
    }

    [Fact]
    public async Task CompleteAsync_ImagePart_CountsFixedTokens()
    {
        var provider = Create();
        var request = new ChatRequest
        {
            Model = "m",
            Messages = [new ChatMessage(ChatRole.User, [new TextPart("what is this"), new ImagePart("https://example.com/a.png")])],
        };

        var response = await provider.CompleteAsync(request, CancellationToken.None).WaitAsync(TestTimeout);

        Assert.Equal(3 + SimulatedChatProvider.ImageTokens, response.Usage!.InputTokens);
    }

    [Fact]
    public async Task CompleteAsync_LiteralAnswer_AnswersIt()
    {
        var provider = Create(("answer", "Fixed reply."));

        var response = await provider.CompleteAsync(Request("anything"), CancellationToken.None).WaitAsync(TestTimeout);

        Assert.Equal("Fixed reply.", response.Choices[0].Message.GetText());
    }

    [Fact]
    public async Task CompleteAsync_Lorem_AnswersLoremText()
    {
        var provider = Create(("answer", "lorem"));

        var response = await provider.CompleteAsync(Request("anything"), CancellationToken.None).WaitAsync(TestTimeout);

        Assert.Equal(SimulatedProviderOptions.LoremText, response.Choices[0].Message.GetText());
    }

    [Theory]
    [InlineData(1, "one")]
    [InlineData(3, "one two three")]
    [InlineData(7, "one two three one two three one")]
    public async Task CompleteAsync_AnswerTokens_PadsOrTruncatesExactly(int tokens, string expected)
    {
        var provider = Create(("answer_tokens", tokens.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        var response = await provider.CompleteAsync(Request("one two three"), CancellationToken.None).WaitAsync(TestTimeout);

        Assert.Equal(expected, response.Choices[0].Message.GetText());
        Assert.Equal(tokens, response.Usage!.OutputTokens);
    }

    [Fact]
    public async Task CompleteAsync_MaxTokens_CutsWithLength()
    {
        var provider = Create();

        var response = await provider.CompleteAsync(Request("a b c d e", r => r.MaxTokens = 2), CancellationToken.None).WaitAsync(TestTimeout);

        Assert.Equal("a b", response.Choices[0].Message.GetText());
        Assert.Equal(FinishReason.Length, response.Choices[0].FinishReason);
        Assert.Equal(2, response.Usage!.OutputTokens);
    }

    [Fact]
    public async Task CompleteAsync_Stop_CutsAtFirstStopSequence()
    {
        var provider = Create();

        var response = await provider.CompleteAsync(Request("alpha beta. gamma END delta", r => r.Stop = ["END", "."]), CancellationToken.None).WaitAsync(TestTimeout);

        Assert.Equal("alpha beta", response.Choices[0].Message.GetText());
        Assert.Equal(FinishReason.Stop, response.Choices[0].FinishReason);
        Assert.Equal(2, response.Usage!.OutputTokens);
    }

    [Fact]
    public async Task CompleteAsync_CallPrefixWithTools_CallsFirstTool()
    {
        var provider = Create();
        var request = Request("call: weather in Paris", r => r.Tools = [Tool("get_weather"), Tool("get_time")]);

        var response = await provider.CompleteAsync(request, CancellationToken.None).WaitAsync(TestTimeout);

        var choice = Assert.Single(response.Choices);
        Assert.Equal(FinishReason.ToolCalls, choice.FinishReason);
        var call = Assert.Single(choice.Message.ToolCalls!);
        Assert.Equal("get_weather", call.Name);
        Assert.Matches("^call_[0-9a-f]{24}$", call.Id);
        Assert.Equal("weather in Paris", JsonDocument.Parse(call.ArgumentsJson).RootElement.GetProperty("echo").GetString());
        Assert.Empty(choice.Message.Parts);

        var again = await provider.CompleteAsync(request, CancellationToken.None).WaitAsync(TestTimeout);
        Assert.Equal(call.Id, again.Choices[0].Message.ToolCalls![0].Id);
    }

    [Fact]
    public async Task CompleteAsync_ToolChoiceFunction_CallsNamedTool()
    {
        var provider = Create();
        var request = Request("hi", r =>
        {
            r.Tools = [Tool("get_weather"), Tool("get_time")];
            r.ToolChoice = new ToolChoice(ToolChoiceMode.Function, "get_time");
        });

        var response = await provider.CompleteAsync(request, CancellationToken.None).WaitAsync(TestTimeout);

        Assert.Equal("get_time", response.Choices[0].Message.ToolCalls![0].Name);
        Assert.Equal("{\"echo\":\"hi\"}", response.Choices[0].Message.ToolCalls![0].ArgumentsJson);
    }

    [Fact]
    public async Task CompleteAsync_ToolsWithAutoChoiceAndPlainText_AnswersText()
    {
        var provider = Create();

        var response = await provider.CompleteAsync(Request("hi", r => r.Tools = [Tool("get_weather")]), CancellationToken.None).WaitAsync(TestTimeout);

        Assert.Null(response.Choices[0].Message.ToolCalls);
        Assert.Equal("hi", response.Choices[0].Message.GetText());
    }

    [Fact]
    public async Task CompleteAsync_ToolChoiceNone_NeverCalls()
    {
        var provider = Create();
        var request = Request("call: x", r =>
        {
            r.Tools = [Tool("get_weather")];
            r.ToolChoice = new ToolChoice(ToolChoiceMode.None);
        });

        var response = await provider.CompleteAsync(request, CancellationToken.None).WaitAsync(TestTimeout);

        Assert.Null(response.Choices[0].Message.ToolCalls);
    }

    [Theory]
    [InlineData(ResponseFormatKind.JsonObject)]
    [InlineData(ResponseFormatKind.JsonSchema)]
    public async Task CompleteAsync_JsonMode_AnswersEchoObject(ResponseFormatKind kind)
    {
        var provider = Create();

        var response = await provider.CompleteAsync(Request("say \"hi\"", r => r.ResponseFormat = new ResponseFormat(kind)), CancellationToken.None).WaitAsync(TestTimeout);

        var text = response.Choices[0].Message.GetText();
        Assert.Equal("say \"hi\"", JsonDocument.Parse(text).RootElement.GetProperty("echo").GetString());
    }

    [Fact]
    public async Task CompleteAsync_NIsThree_ReturnsThreeIdenticalChoices()
    {
        var provider = Create();

        var response = await provider.CompleteAsync(Request("a b", r => r.N = 3), CancellationToken.None).WaitAsync(TestTimeout);

        Assert.Equal([0, 1, 2], response.Choices.Select(c => c.Index));
        Assert.All(response.Choices, c => Assert.Equal("a b", c.Message.GetText()));
        Assert.Equal(6, response.Usage!.OutputTokens);
    }

    [Fact]
    public async Task CompleteAsync_SuccessiveRequests_HaveDistinctIds()
    {
        var provider = Create();

        var first = await provider.CompleteAsync(Request("x"), CancellationToken.None).WaitAsync(TestTimeout);
        var second = await provider.CompleteAsync(Request("x"), CancellationToken.None).WaitAsync(TestTimeout);

        Assert.NotEqual(first.Id, second.Id);
    }

    [Fact]
    public async Task StreamAsync_Text_RoleFirstTokensThenFinishThenUsage()
    {
        var provider = Create();

        var updates = await CollectAsync(provider.StreamAsync(Request("Hello, big world!"), CancellationToken.None)).WaitAsync(TestTimeout);

        Assert.Equal(ChatRole.Assistant, updates[0].Role);
        Assert.Null(updates[0].TextDelta);
        var textUpdates = updates.Where(u => u.TextDelta is not null).ToList();
        Assert.Equal(["Hello", ",", " big", " world", "!"], textUpdates.Select(u => u.TextDelta));
        Assert.Equal(FinishReason.Stop, updates[^2].FinishReason);
        var usage = updates[^1].Usage;
        Assert.NotNull(usage);
        Assert.Equal(textUpdates.Count, usage.OutputTokens);
        Assert.Equal(3 + 5, usage.InputTokens);
        Assert.Equal(1 + textUpdates.Count + 2, updates.Count);
        Assert.All(updates, u => Assert.Equal("sim-model", u.Model));
        Assert.Single(updates.Select(u => u.Id).Distinct());
    }

    [Fact]
    public async Task StreamAsync_ToolCall_IdAndNameFirstThenArgumentFragments()
    {
        var provider = Create();
        var request = Request("call: Paris", r => r.Tools = [Tool("get_weather")]);

        var updates = await CollectAsync(provider.StreamAsync(request, CancellationToken.None)).WaitAsync(TestTimeout);

        var toolUpdates = updates.Where(u => u.ToolCalls is not null).Select(u => Assert.Single(u.ToolCalls!)).ToList();
        Assert.Equal("get_weather", toolUpdates[0].Name);
        Assert.Matches("^call_[0-9a-f]{24}$", toolUpdates[0].Id!);
        Assert.All(toolUpdates.Skip(1), t => Assert.Null(t.Id));
        Assert.Equal("{\"echo\":\"Paris\"}", string.Concat(toolUpdates.Select(t => t.ArgumentsDelta)));
        Assert.Equal(FinishReason.ToolCalls, updates[^2].FinishReason);
        Assert.Equal(toolUpdates.Count - 1, updates[^1].Usage!.OutputTokens);
    }

    [Fact]
    public async Task StreamAsync_TwoChoices_EveryChoiceGetsRoleTextAndFinish()
    {
        var provider = Create();

        var updates = await CollectAsync(provider.StreamAsync(Request("x y", r => r.N = 2), CancellationToken.None)).WaitAsync(TestTimeout);

        foreach (var index in new[] { 0, 1 })
        {
            var mine = updates.Where(u => u.Usage is null && u.ChoiceIndex == index).ToList();
            Assert.Equal(ChatRole.Assistant, mine[0].Role);
            Assert.Equal("x y", string.Concat(mine.Select(u => u.TextDelta)));
            Assert.Equal(FinishReason.Stop, mine[^1].FinishReason);
        }

        Assert.Equal(4, updates[^1].Usage!.OutputTokens);
    }

    [Fact]
    public async Task StreamAsync_Pacing_NoTokenBeforeTimeToFirstTokenThenOnePerInterval()
    {
        var time = new FakeTimeProvider();
        var provider = Create(time, null, ("time_to_first_token", "500ms"), ("tokens_per_second", "10"));
        await using var stream = provider.StreamAsync(Request("a b c"), CancellationToken.None).GetAsyncEnumerator();

        var first = stream.MoveNextAsync().AsTask();
        time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.False(first.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(await first.WaitAsync(TestTimeout));
        Assert.Equal(ChatRole.Assistant, stream.Current.Role);

        Assert.True(await stream.MoveNextAsync().AsTask().WaitAsync(TestTimeout));
        Assert.Equal("a", stream.Current.TextDelta);

        var second = stream.MoveNextAsync().AsTask();
        time.Advance(TimeSpan.FromMilliseconds(99));
        Assert.False(second.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(await second.WaitAsync(TestTimeout));
        Assert.Equal(" b", stream.Current.TextDelta);
    }

    [Fact]
    public async Task CompleteAsync_Pacing_WaitsAsLongAsTheStream()
    {
        var time = new FakeTimeProvider();
        var provider = Create(time, null, ("time_to_first_token", "1s"), ("tokens_per_second", "2"));

        var task = provider.CompleteAsync(Request("a b c"), CancellationToken.None);
        time.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.False(task.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));

        var response = await task.WaitAsync(TestTimeout);
        Assert.Equal("a b c", response.Choices[0].Message.GetText());
    }

    [Theory]
    [InlineData(429, "rate_limit_error")]
    [InlineData(500, "api_error")]
    [InlineData(503, "service_unavailable")]
    [InlineData(400, "invalid_request_error")]
    public async Task CompleteAsync_ErrorRateOne_ThrowsWithStatus(int status, string errorType)
    {
        var provider = Create(("error_rate", "1"), ("error_status", status.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        var ex = await Assert.ThrowsAsync<ProviderException>(() => provider.CompleteAsync(Request("x"), CancellationToken.None)).WaitAsync(TestTimeout);

        Assert.Equal(ProviderErrorKind.Upstream, ex.Kind);
        Assert.Equal(status, ex.StatusCode);
        Assert.Equal(errorType, ex.ErrorType);
        Assert.Equal(status == 429 ? TimeSpan.FromSeconds(1) : (TimeSpan?)null, ex.RetryAfter);
    }

    [Fact]
    public async Task StreamAsync_ErrorRateOne_ThrowsBeforeFirstUpdate()
    {
        var time = new FakeTimeProvider();
        var provider = Create(time, null, ("error_rate", "1"), ("time_to_first_token", "10s"));
        var received = 0;

        var ex = await Assert.ThrowsAsync<ProviderException>(async () =>
        {
            await foreach (var update in provider.StreamAsync(Request("x"), CancellationToken.None))
            {
                received++;
            }
        }).WaitAsync(TestTimeout);

        Assert.Equal(500, ex.StatusCode);
        Assert.Equal(0, received);
    }

    [Fact]
    public async Task CompleteAsync_ErrorRateHalfWithSeededRandom_FailsADeterministicShare()
    {
        async Task<int> CountFailuresAsync()
        {
            var provider = Create(null, new Random(1234), ("error_rate", "0.5"));
            var failures = 0;
            for (var i = 0; i < 1000; i++)
            {
                try
                {
                    await provider.CompleteAsync(Request("x"), CancellationToken.None).WaitAsync(TestTimeout);
                }
                catch (ProviderException)
                {
                    failures++;
                }
            }

            return failures;
        }

        var first = await CountFailuresAsync();
        var second = await CountFailuresAsync();

        Assert.Equal(first, second);
        Assert.InRange(first, 440, 560);
    }

    [Fact]
    public async Task EmbedAsync_SameText_SameUnitVectorOfConfiguredSize()
    {
        var provider = Create(("embedding_dimensions", "32"));
        var request = new EmbeddingRequest { Model = "emb", Inputs = ["hello world", "other", "hello world"] };

        var response = await provider.EmbedAsync(request, CancellationToken.None).WaitAsync(TestTimeout);

        Assert.Equal("emb", response.Model);
        Assert.Equal(3, response.Vectors.Count);
        Assert.All(response.Vectors, v =>
        {
            Assert.Equal(32, v.Length);
            Assert.Equal(1.0, Math.Sqrt(v.Sum(x => (double)x * x)), 4);
        });
        Assert.Equal(response.Vectors[0], response.Vectors[2]);
        Assert.NotEqual(response.Vectors[0], response.Vectors[1]);
        Assert.Equal(5, response.InputTokens);

        var again = await Create().EmbedAsync(new EmbeddingRequest { Model = "emb", Inputs = ["hello world"], Dimensions = 32 }, CancellationToken.None).WaitAsync(TestTimeout);
        Assert.Equal(response.Vectors[0], again.Vectors[0]);
    }

    [Fact]
    public async Task EmbedAsync_Defaults_Uses256AndRequestDimensionsOverride()
    {
        var provider = Create();

        var byDefault = await provider.EmbedAsync(new EmbeddingRequest { Model = "e", Inputs = ["x"] }, CancellationToken.None).WaitAsync(TestTimeout);
        var overridden = await provider.EmbedAsync(new EmbeddingRequest { Model = "e", Inputs = ["x"], Dimensions = 8 }, CancellationToken.None).WaitAsync(TestTimeout);

        Assert.Equal(256, byDefault.Vectors[0].Length);
        Assert.Equal(8, overridden.Vectors[0].Length);
    }

    [Fact]
    public async Task StreamAsync_CancelledDuringTimeToFirstToken_ThrowsOperationCanceled()
    {
        var time = new FakeTimeProvider();
        var provider = Create(time, null, ("time_to_first_token", "5s"));
        using var cts = new CancellationTokenSource();

        var task = CollectAsync(provider.StreamAsync(Request("a b"), cts.Token));
        Assert.False(task.IsCompleted);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task).WaitAsync(TestTimeout);
    }

    [Fact]
    public async Task StreamAsync_CancelledBetweenTokens_ThrowsOperationCanceled()
    {
        var time = new FakeTimeProvider();
        var provider = Create(time, null, ("tokens_per_second", "1"));
        using var cts = new CancellationTokenSource();
        var received = new List<ChatStreamUpdate>();

        var task = Task.Run(async () =>
        {
            await foreach (var update in provider.StreamAsync(Request("a b c"), cts.Token))
            {
                received.Add(update);
                if (update.TextDelta == "a")
                {
                    await cts.CancelAsync();
                }
            }
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task).WaitAsync(TestTimeout);
        Assert.Equal(2, received.Count);
    }

    [Fact]
    public async Task CompleteAsync_Cancelled_ThrowsOperationCanceled()
    {
        var time = new FakeTimeProvider();
        var provider = Create(time, null, ("time_to_first_token", "5s"));
        using var cts = new CancellationTokenSource();

        var task = provider.CompleteAsync(Request("a"), cts.Token);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task).WaitAsync(TestTimeout);
    }

    [Fact]
    public void Capabilities_NativeNoneAndEverythingElse()
    {
        var capabilities = Create().Capabilities;

        Assert.Equal(WireFormat.None, capabilities.NativeFormat);
        Assert.True(capabilities.Vision && capabilities.Tools && capabilities.JsonOutput && capabilities.Logprobs
            && capabilities.Seed && capabilities.MultipleChoices && capabilities.Embeddings);
    }

    private static ToolDefinition Tool(string name) => new(name, "A tool.", null);
}
