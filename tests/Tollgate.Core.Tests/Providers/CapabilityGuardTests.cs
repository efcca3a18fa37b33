using System.Text.Json;
using Tollgate.Chat;
using Tollgate.Core.Providers;
using Tollgate.Providers;

namespace Tollgate.Core.Tests.Providers;

public sealed class CapabilityGuardTests
{
    private const string Provider = "upstream-x";

    // Everything on, Claude's family: the most a target can take.
    private static readonly ProviderCapabilities Everything = new()
    {
        Vision = true,
        Documents = true,
        Tools = true,
        JsonOutput = true,
        Logprobs = true,
        Seed = true,
        MultipleChoices = true,
        TopK = true,
        Penalties = true,
        Reasoning = true,
        PromptCaching = true,
        Citations = true,
        AnthropicBetas = true,
        SignatureFamily = SignatureFamilies.Anthropic,
    };

    public static TheoryData<string, string> Refusals => new()
    {
        { "tools", "Tools (function calling)" },
        { "json", "JSON output (response_format)" },
        { "logprobs", "Log probabilities (logprobs)" },
        { "seed", "A sampling seed (seed)" },
        { "n", "More than one choice (n > 1)" },
        { "top_k", "Top-k sampling (top_k)" },
        { "presence_penalty", "presence_penalty and frequency_penalty" },
        { "frequency_penalty", "presence_penalty and frequency_penalty" },
        { "reasoning", "Extended thinking / reasoning" },
        { "image", "Image input (messages[0])" },
        { "document", "Document input (messages[0])" },
        { "citations", "Citations on documents (messages[0])" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void Apply_FeatureTheTargetLacks_Refuses400NamingFeatureAndProvider(string feature, string expectedFeature)
    {
        var request = Request(ChatMessage.FromText(ChatRole.User, "hi"));
        var capabilities = Everything;
        switch (feature)
        {
            case "tools":
                request.Tools = [new ToolDefinition("f", null, null)];
                capabilities = capabilities with { Tools = false };
                break;
            case "json":
                request.ResponseFormat = new ResponseFormat(ResponseFormatKind.JsonObject);
                capabilities = capabilities with { JsonOutput = false };
                break;
            case "logprobs":
                request.Logprobs = true;
                capabilities = capabilities with { Logprobs = false };
                break;
            case "seed":
                request.Seed = 7;
                capabilities = capabilities with { Seed = false };
                break;
            case "n":
                request.N = 2;
                capabilities = capabilities with { MultipleChoices = false };
                break;
            case "top_k":
                request.TopK = 40;
                capabilities = capabilities with { TopK = false };
                break;
            case "presence_penalty":
                request.PresencePenalty = 0.5;
                capabilities = capabilities with { Penalties = false };
                break;
            case "frequency_penalty":
                request.FrequencyPenalty = 0.5;
                capabilities = capabilities with { Penalties = false };
                break;
            case "reasoning":
                request.Reasoning = new ReasoningOptions { Effort = "low" };
                capabilities = capabilities with { Reasoning = false };
                break;
            case "image":
                request = Request(new ChatMessage(ChatRole.User, [new ImagePart("https://example.com/a.png")]));
                capabilities = capabilities with { Vision = false };
                break;
            case "document":
                request = Request(new ChatMessage(ChatRole.User, [new DocumentPart { Text = "doc" }]));
                capabilities = capabilities with { Documents = false };
                break;
            case "citations":
                request = Request(new ChatMessage(ChatRole.User, [new DocumentPart { Text = "doc", Citations = true }]));
                capabilities = capabilities with { Citations = false };
                break;
        }

        var ex = Assert.Throws<ProviderException>(() => CapabilityGuard.Apply(request, capabilities, Provider, out _));

        Assert.Equal(400, ex.StatusCode);
        Assert.Equal(ProviderErrorKind.Unsupported, ex.Kind);
        Assert.Equal("unsupported_feature", ex.ErrorCode);
        Assert.Contains(expectedFeature, ex.Message, StringComparison.Ordinal);
        Assert.Contains($"'{Provider}'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_ReasoningSwitchedOff_AcceptedWithoutReasoningCapability()
    {
        var request = Request(ChatMessage.FromText(ChatRole.User, "hi"));
        request.Reasoning = new ReasoningOptions { Enabled = false };

        var result = CapabilityGuard.Apply(request, Everything with { Reasoning = false }, Provider, out var report);

        Assert.Same(request, result);
        Assert.True(report.IsEmpty);
    }

    [Fact]
    public void Apply_ForeignFamilyReasoning_StrippedAndCountedOwnFamilyKept()
    {
        var claude = new ThinkingPart("mine", "sig-claude") { SignatureFamily = SignatureFamilies.Anthropic };
        var claudeRedacted = new RedactedThinkingPart("enc-claude") { SignatureFamily = SignatureFamilies.Anthropic };
        var request = Request(
            ChatMessage.FromText(ChatRole.User, "q"),
            new ChatMessage(ChatRole.Assistant,
            [
                new ThinkingPart("theirs", "sig-gemini") { SignatureFamily = SignatureFamilies.Gemini },
                claude,
                new RedactedThinkingPart("enc-gemini") { SignatureFamily = SignatureFamilies.Gemini },
                claudeRedacted,
                new ThinkingPart("unsigned"),
                new TextPart("answer"),
            ])
            {
                ToolCalls =
                [
                    new ToolCall("c1", "f", "{}") { Signature = "ts-gemini", SignatureFamily = SignatureFamilies.Gemini },
                    new ToolCall("c2", "f", "{}"),
                ],
            });

        var result = CapabilityGuard.Apply(request, Everything, Provider, out var report);

        // Gemini thinking, Gemini redacted, unsigned text (a family target wants signatures), the Gemini call signature.
        Assert.Equal(4, report.StrippedReasoningState);
        Assert.Equal(0, report.StrippedCacheMarkers);
        var assistant = result.Messages[1];
        Assert.Equal(new ContentPart[] { claude, claudeRedacted, new TextPart("answer") }, assistant.Parts);
        Assert.Equal(new ToolCall("c1", "f", "{}"), assistant.ToolCalls![0]);
        Assert.Same(request.Messages[1].ToolCalls![1], assistant.ToolCalls[1]);
        Assert.Same(request.Messages[0], result.Messages[0]);
    }

    [Fact]
    public void Apply_GeminiTarget_KeepsGeminiStateStripsClaudeState()
    {
        var call = new ToolCall("c1", "f", "{}") { Signature = "ts-gemini", SignatureFamily = SignatureFamilies.Gemini };
        var request = Request(
            ChatMessage.FromText(ChatRole.User, "q"),
            new ChatMessage(ChatRole.Assistant, [new ThinkingPart("claude", "sig") { SignatureFamily = SignatureFamilies.Anthropic }, new TextPart("a")]) { ToolCalls = [call] });

        var result = CapabilityGuard.Apply(request, Everything with { SignatureFamily = SignatureFamilies.Gemini }, Provider, out var report);

        Assert.Equal(1, report.StrippedReasoningState);
        Assert.Equal(new ContentPart[] { new TextPart("a") }, result.Messages[1].Parts);
        Assert.Same(call, result.Messages[1].ToolCalls![0]);
    }

    [Fact]
    public void Apply_TargetWithoutReasoning_StripsEveryReasoningPart()
    {
        var request = Request(
            ChatMessage.FromText(ChatRole.User, "q"),
            new ChatMessage(ChatRole.Assistant, [new ThinkingPart("plain"), new ThinkingPart("signed", "s") { SignatureFamily = SignatureFamilies.Anthropic }, new TextPart("a")]));

        var result = CapabilityGuard.Apply(request, Everything with { Reasoning = false, SignatureFamily = null }, Provider, out var report);

        Assert.Equal(2, report.StrippedReasoningState);
        Assert.Equal(new ContentPart[] { new TextPart("a") }, result.Messages[1].Parts);
    }

    [Fact]
    public void Apply_UnsignedReasoningToTargetWithoutFamily_Kept()
    {
        var request = Request(
            ChatMessage.FromText(ChatRole.User, "q"),
            new ChatMessage(ChatRole.Assistant, [new ThinkingPart("plain"), new TextPart("a")]));

        var result = CapabilityGuard.Apply(request, Everything with { SignatureFamily = null }, Provider, out var report);

        Assert.Same(request, result);
        Assert.True(report.IsEmpty);
    }

    [Fact]
    public void Apply_NoPromptCaching_StripsAndCountsEveryMarker()
    {
        var request = MarkedRequest();

        var result = CapabilityGuard.Apply(request, Everything with { PromptCaching = false }, Provider, out var report);

        // System part, user text part, user image part, tool call, tool message, tool definition.
        Assert.Equal(6, report.StrippedCacheMarkers);
        Assert.Equal(0, report.StrippedReasoningState);
        Assert.All(result.Messages.SelectMany(m => m.Parts), p => Assert.Null(p.CacheControl));
        Assert.All(result.Messages, m => Assert.Null(m.CacheControl));
        Assert.All(result.Messages.SelectMany(m => m.ToolCalls ?? []), c => Assert.Null(c.CacheControl));
        Assert.All(result.Tools!, t => Assert.Null(t.CacheControl));
        Assert.Equal("look", ((TextPart)result.Messages[1].Parts[0]).Text);
        Assert.True(result.Messages[3].IsError);
        Assert.Equal("c1", result.Messages[3].ToolCallId);
    }

    [Fact]
    public void Apply_PromptCaching_KeepsMarkersAndReturnsSameInstance()
    {
        var request = MarkedRequest();

        var result = CapabilityGuard.Apply(request, Everything, Provider, out var report);

        Assert.Same(request, result);
        Assert.True(report.IsEmpty);
        Assert.Equal(CacheControl.Ephemeral, result.Messages[1].Parts[0].CacheControl);
    }

    [Fact]
    public void Apply_NothingToChange_ReturnsSameInstanceAndEmptyReport()
    {
        var request = Request(ChatMessage.FromText(ChatRole.System, "s"), ChatMessage.FromText(ChatRole.User, "hi"));
        request.Tools = [new ToolDefinition("f", null, null)];
        request.Betas = ["files-api-2025-04-14"];

        var result = CapabilityGuard.Apply(request, Everything, Provider, out var report);

        Assert.Same(request, result);
        Assert.Equal(new CapabilityReport(0, 0, 0), report);
    }

    [Fact]
    public void Apply_BetasToTargetWithoutThem_DroppedAndCounted()
    {
        var request = Request(ChatMessage.FromText(ChatRole.User, "hi"));
        request.Betas = ["a-beta", "b-beta"];

        var result = CapabilityGuard.Apply(request, Everything with { AnthropicBetas = false }, Provider, out var report);

        Assert.Null(result.Betas);
        Assert.Equal(2, report.DroppedBetas);
        Assert.Equal(["a-beta", "b-beta"], request.Betas);
        Assert.Same(request.Messages, result.Messages);
    }

    [Fact]
    public void Apply_Stripping_NeverMutatesTheOriginal()
    {
        var request = MarkedRequest();
        request.Messages[2].Parts.Insert(0, new ThinkingPart("theirs", "sig") { SignatureFamily = SignatureFamilies.Gemini });
        request.Betas = ["x"];
        var before = Snapshot(request);

        var result = CapabilityGuard.Apply(request, Everything with { PromptCaching = false, AnthropicBetas = false }, Provider, out var report);

        Assert.NotSame(request, result);
        Assert.Equal(1, report.StrippedReasoningState);
        Assert.Equal(before, Snapshot(request));
        Assert.Equal(["x"], request.Betas);
        Assert.NotNull(request.Tools![0].CacheControl);
    }

    private static ChatRequest Request(params ChatMessage[] messages) => new() { Model = "m", Messages = [.. messages] };

    private static ChatRequest MarkedRequest()
    {
        var request = Request(
            new ChatMessage(ChatRole.System, [new TextPart("system") { CacheControl = CacheControl.Ephemeral }]),
            new ChatMessage(ChatRole.User, [new TextPart("look") { CacheControl = CacheControl.Ephemeral }, new ImagePart("https://example.com/a.png") { CacheControl = new CacheControl("ephemeral", "1h") }]),
            new ChatMessage(ChatRole.Assistant, [new TextPart("calling")]) { ToolCalls = [new ToolCall("c1", "f", "{}") { CacheControl = CacheControl.Ephemeral }] },
            new ChatMessage(ChatRole.Tool, [new TextPart("failed")]) { ToolCallId = "c1", IsError = true, CacheControl = CacheControl.Ephemeral });
        request.Tools = [new ToolDefinition("f", null, null) { CacheControl = CacheControl.Ephemeral }];
        return request;
    }

    // Everything the guard could touch, as text: a mutation of the original shows up as a difference.
    private static string Snapshot(ChatRequest request) => JsonSerializer.Serialize(new
    {
        Messages = request.Messages.Select(m => new
        {
            Role = m.Role.ToString(),
            Parts = m.Parts.Select(p => p.ToString()).ToArray(),
            Calls = (m.ToolCalls ?? []).Select(c => c.ToString()).ToArray(),
            Marker = m.CacheControl?.ToString(),
        }).ToArray(),
        Tools = (request.Tools ?? []).Select(t => t.CacheControl?.ToString()).ToArray(),
        Betas = request.Betas?.ToArray(),
    });
}
