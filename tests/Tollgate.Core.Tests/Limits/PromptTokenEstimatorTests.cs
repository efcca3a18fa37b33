using System.Text;
using Tollgate.Chat;
using Tollgate.Core.Limits;

namespace Tollgate.Core.Tests.Limits;

public sealed class PromptTokenEstimatorTests
{
    private readonly PromptTokenEstimator _estimator = PromptTokenEstimator.Default;

    [Theory]
    [InlineData("gpt-4o", "o200k_base")]
    [InlineData("gpt-4o-mini-2024-07-18", "o200k_base")]
    [InlineData("chatgpt-4o-latest", "o200k_base")]
    [InlineData("gpt-4.1-nano", "o200k_base")]
    [InlineData("gpt-5", "o200k_base")]
    [InlineData("o3-mini", "o200k_base")]
    [InlineData("openai/o4-mini", "o200k_base")]
    [InlineData("gpt-4", "cl100k_base")]
    [InlineData("gpt-4-turbo", "cl100k_base")]
    [InlineData("gpt-3.5-turbo", "cl100k_base")]
    [InlineData("text-embedding-3-small", "cl100k_base")]
    [InlineData("text-embedding-ada-002", "cl100k_base")]
    [InlineData("claude-sonnet-4-5", null)]
    [InlineData("demo", null)]
    public void EncodingFor_KnownFamilies(string model, string? encoding) =>
        Assert.Equal(encoding, PromptTokenEstimator.EncodingFor(model));

    [Theory]
    [InlineData("gpt-4o")]
    [InlineData("gpt-4")]
    public void CountText_MatchesTiktoken(string model)
    {
        // OpenAI's cookbook: "tiktoken is great!" is 6 tokens in both cl100k_base and o200k_base.
        Assert.Equal(6, PromptTokenEstimator.CountText("tiktoken is great!", model));
        Assert.Equal(2, PromptTokenEstimator.CountText("Hello world", model));
    }

    [Theory]
    [InlineData("abcdef", 2)] // 6 ASCII bytes / 3
    [InlineData("abcdefg", 3)] // rounded up
    [InlineData("日本", 3)] // 6 non-ASCII bytes / 2
    [InlineData("", 0)]
    public void CountText_UnknownModel_UsesTheConservativeRule(string text, long expected) =>
        Assert.Equal(expected, PromptTokenEstimator.CountText(text, "claude-sonnet-4-5"));

    [Fact]
    public void CountText_ConservativeRule_IsAboveTiktokenForProse()
    {
        const string Prose = "The earliest flight leaves Lisbon at 06:05 and lands in Berlin at 10:20. 東京から大阪までの新幹線は約二時間半です。";

        Assert.True(PromptTokenEstimator.CountText(Prose, "unknown") > PromptTokenEstimator.CountText(Prose, "gpt-4"));
        Assert.True(PromptTokenEstimator.CountText(Prose, "unknown") > PromptTokenEstimator.CountText(Prose, "gpt-4o"));
    }

    [Fact]
    public void EstimateOpenAIChat_CookbookExample_IsAtLeastOpenAIsCount()
    {
        // OpenAI's cookbook counts 129 prompt tokens for these messages on gpt-4 (cl100k_base).
        var body = """
            {"model":"gpt-4","messages":[
            {"role":"system","content":"You are a helpful, pattern-following assistant that translates corporate jargon into plain English."},
            {"role":"system","name":"example_user","content":"New synergies will help drive top-line growth."},
            {"role":"system","name":"example_assistant","content":"Things working well together will increase revenue."},
            {"role":"system","name":"example_user","content":"Let's circle back when we have more bandwidth to touch base on opportunities for increased leverage."},
            {"role":"system","name":"example_assistant","content":"Let's talk later when we're less busy about how to do better."},
            {"role":"user","content":"This late pivot means we don't have time to boil the ocean for the client deliverable."}]}
            """u8;

        var estimate = _estimator.EstimateOpenAIChat(body, "gpt-4");

        Assert.InRange(estimate.PromptTokens, 129, 129 * 1.15);
        Assert.Null(estimate.MaxOutputTokens);
    }

    [Fact]
    public void EstimateOpenAIChat_CountsToolsToolCallsAndOutputLimit()
    {
        var withTools = """
            {"model":"gpt-4o","max_tokens":100,"max_completion_tokens":200,"n":3,
            "messages":[{"role":"user","content":"hi"},
            {"role":"assistant","tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"location\":\"Berlin, DE\"}"}}]}],
            "tools":[{"type":"function","function":{"name":"get_weather","description":"Get the weather forecast for a city.","parameters":{"type":"object"}}}]}
            """u8;
        var bare = """{"model":"gpt-4o","messages":[{"role":"user","content":"hi"},{"role":"assistant","tool_calls":[]}]}"""u8;

        var full = _estimator.EstimateOpenAIChat(withTools, "gpt-4o");
        var small = _estimator.EstimateOpenAIChat(bare, "gpt-4o");

        Assert.Equal(200, full.MaxOutputTokens); // max_completion_tokens wins
        Assert.Equal(3, full.Choices);
        Assert.True(full.PromptTokens >= small.PromptTokens + 25, $"{full.PromptTokens} vs {small.PromptTokens}");
    }

    [Fact]
    public void EstimateOpenAIChat_Image_CountsAFixedAmountNotItsBase64()
    {
        var base64 = Convert.ToBase64String(new byte[300_000]);
        var body = Encoding.UTF8.GetBytes($$"""{"model":"gpt-4o","messages":[{"role":"user","content":[{"type":"text","text":"What is this?"},{"image_url":{"url":"data:image/png;base64,{{base64}}","detail":"high"},"type":"image_url"}]}]}""");

        var estimate = _estimator.EstimateOpenAIChat(body, "gpt-4o");

        Assert.InRange(estimate.PromptTokens, PromptTokenEstimator.DefaultImageTokens, PromptTokenEstimator.DefaultImageTokens + 20);
    }

    [Fact]
    public void EstimateAnthropicMessages_CountsSystemBlocksToolUseAndDocuments()
    {
        var body = """
            {"model":"claude-sonnet-4-5","max_tokens":1024,
            "system":[{"type":"text","text":"abcdefghi","cache_control":{"type":"ephemeral"}}],
            "messages":[
              {"role":"user","content":[{"type":"document","source":{"type":"text","media_type":"text/plain","data":"abcdefghijkl"}}]},
              {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"abc","input":{"a":1}}]},
              {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"abcdef"},{"type":"image","source":{"type":"base64","media_type":"image/png","data":"AAAA"}}]}]}
            """u8;

        var estimate = _estimator.EstimateAnthropicMessages(body, "claude-sonnet-4-5");

        // 3 priming + 3 x 4 per message + system 3 + document 4 + tool name 1 + input {"a":1} 3 + result 2 + image.
        Assert.Equal(3 + 12 + 3 + 4 + 1 + 3 + 2 + PromptTokenEstimator.DefaultImageTokens, estimate.PromptTokens);
        Assert.Equal(1024, estimate.MaxOutputTokens);
    }

    [Fact]
    public void EstimateOpenAIEmbeddings_CountsStringsAndTokenArrays()
    {
        Assert.Equal(2, _estimator.EstimateOpenAIEmbeddings("""{"model":"x","input":"abcdef"}"""u8, "x").PromptTokens);
        Assert.Equal(4, _estimator.EstimateOpenAIEmbeddings("""{"model":"x","input":["abc","abcdef","a"]}"""u8, "x").PromptTokens);
        Assert.Equal(5, _estimator.EstimateOpenAIEmbeddings("""{"model":"x","input":[[1,2,3],[4,5]]}"""u8, "x").PromptTokens);
        Assert.Equal(2, _estimator.EstimateOpenAIEmbeddings("""{"input":"Hello world","model":"text-embedding-3-small"}"""u8, "text-embedding-3-small").PromptTokens);
    }

    [Fact]
    public void EstimateOpenAIChat_InvalidJson_EstimatesTheWholeBody()
    {
        var estimate = _estimator.EstimateOpenAIChat("""{"messages":[{"content":"abc" """u8, "gpt-4o");

        Assert.Equal(10, estimate.PromptTokens); // 30 bytes / 3
    }

    [Fact]
    public void Estimate_CanonicalRequest_CountsLikeTheRawBody()
    {
        var request = new ChatRequest
        {
            Model = "gpt-4o",
            Messages =
            [
                ChatMessage.FromText(ChatRole.System, "You are a careful travel assistant."),
                new ChatMessage(ChatRole.User, [new TextPart("What will the weather be like in Berlin?"), new ImagePart("https://example.com/a.png")]),
            ],
        };
        var body = """{"model":"gpt-4o","messages":[{"role":"system","content":"You are a careful travel assistant."},{"role":"user","content":[{"type":"text","text":"What will the weather be like in Berlin?"},{"type":"image_url","image_url":{"url":"https://example.com/a.png"}}]}]}"""u8;

        Assert.Equal(_estimator.EstimateOpenAIChat(body, "gpt-4o").PromptTokens, _estimator.Estimate(request));
    }
}
