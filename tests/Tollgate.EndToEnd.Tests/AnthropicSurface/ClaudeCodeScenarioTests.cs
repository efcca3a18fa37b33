using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Anthropic.Models.Messages;
using Tollgate.EndToEnd.Tests.Infrastructure;

namespace Tollgate.EndToEnd.Tests.AnthropicSurface;

/// <summary>
/// What a coding agent such as Claude Code sends: a system prompt in blocks with cache markers, several tools, a
/// multi-turn tool-use conversation whose assistant turns carry signed thinking blocks, betas, and token counts.
/// </summary>
public sealed class ClaudeCodeScenarioTests(AnthropicSurfaceFixture gateway) : IClassFixture<AnthropicSurfaceFixture>
{
    private const string Signature = "EqoBCkgIBhABGAIiQL2RkvS+ExampleSignatureBytes/3b9Q==";

    [Fact]
    public async Task AgentConversation_RawHttp_ArrivesUpstreamByteIdentical()
    {
        var marker = "m" + Guid.NewGuid().ToString("N")[..8];
        var body = Conversation("claude", marker, stream: true);
        gateway.Anthropic.AcceptSignature(Signature); // issued to an earlier turn of this conversation
        using var http = gateway.Raw();
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/messages") { Content = AnthropicSurfaceFixture.Json(body) };
        request.Headers.Add("anthropic-beta", "interleaved-thinking-2025-05-14,fine-grained-tool-streaming-2025-05-14");

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestTimeouts.Token());
        var events = await AnthropicSse.ReadAllAsync(response, TestTimeouts.Token());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("message_stop", events[^1].Name);
        var upstream = Assert.Single(gateway.Anthropic.Requests, r => r.RawBody.Contains(marker, StringComparison.Ordinal));
        Assert.Equal(Conversation("claude-sonnet-4-5", marker, stream: true), upstream.RawBody);
        Assert.Equal("interleaved-thinking-2025-05-14,fine-grained-tool-streaming-2025-05-14", upstream.Headers["anthropic-beta"]);
    }

    [Fact]
    public async Task AgentConversation_Sdk_ThinkingSignaturesAndCacheMarkersReachUpstream()
    {
        var marker = "m" + Guid.NewGuid().ToString("N")[..8];
        var client = gateway.Sdk();
        var parameters = SdkConversation("claude", marker);

        var message = await client.Messages.Create(parameters, TestTimeouts.Token());
        var count = await client.Messages.CountTokens(
            new MessageCountTokensParams { Model = "claude", System = new List<TextBlockParam> { new("You are a CLI tool.") }, Messages = parameters.Messages },
            TestTimeouts.Token());

        // The fake echoes the last user turn: the tool result's text, then the user's.
        Assert.True(message.Content[0].TryPickText(out var text));
        Assert.Equal($"# Tollgate\nA gateway. now summarise {marker}", text!.Text);
        Assert.True(count.InputTokens > 0);
        var sent = gateway.Anthropic.Requests.Where(r => r.RawBody.Contains(marker, StringComparison.Ordinal)).ToList();
        Assert.Equal(["/v1/messages", "/v1/messages/count_tokens"], sent.Select(r => r.Path));
        var upstream = sent[0].Body!.AsObject();
        Assert.Equal("ephemeral", upstream["system"]![1]!["cache_control"]!["type"]!.GetValue<string>());
        Assert.Equal(3, upstream["tools"]!.AsArray().Count);
        var assistant = upstream["messages"]![1]!["content"]!.AsArray();
        Assert.Equal("thinking", assistant[0]!["type"]!.GetValue<string>());
        Assert.Equal(Signature, assistant[0]!["signature"]!.GetValue<string>());
        Assert.Equal("tool_use", assistant[1]!["type"]!.GetValue<string>());
        Assert.Equal("tool_result", upstream["messages"]![2]!["content"]![0]!["type"]!.GetValue<string>());
        Assert.Equal("claude-sonnet-4-5", sent[1].Body!["model"]!.GetValue<string>());
    }

    [Fact]
    public async Task AgentConversation_TranslatedTarget_AnthropicThinkingStrippedAndToolTurnsKept()
    {
        var marker = "m" + Guid.NewGuid().ToString("N")[..8];

        var message = await gateway.Sdk().Messages.Create(SdkConversation("gpt", marker), TestTimeouts.Token());

        Assert.True(message.Content[0].TryPickText(out var text));
        Assert.Equal($"now summarise {marker}", text!.Text);
        var upstream = Assert.Single(gateway.OpenAI.Requests, r => r.Body.Contains(marker, StringComparison.Ordinal));
        Assert.DoesNotContain(Signature, upstream.Body, StringComparison.Ordinal);
        using var body = JsonDocument.Parse(upstream.Body);
        var roles = body.RootElement.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("role").GetString()).ToList();
        Assert.Equal(["system", "user", "assistant", "tool", "user"], roles);
    }

    private static MessageCreateParams SdkConversation(string model, string marker)
    {
        var schema = new InputSchema { Properties = new Dictionary<string, JsonElement> { ["path"] = JsonSerializer.SerializeToElement(new { type = "string" }) }, Required = ["path"] };
        return new MessageCreateParams
        {
            Model = model,
            MaxTokens = 1024,
            System = new List<TextBlockParam>
            {
                new("You are an interactive CLI tool that helps users with software engineering tasks."),
                new("Repository conventions follow.") { CacheControl = new CacheControlEphemeral() },
            },
            Tools =
            [
                new Tool { Name = "Read", Description = "Reads a file", InputSchema = schema },
                new Tool { Name = "Glob", Description = "Finds files", InputSchema = schema },
                new Tool { Name = "Bash", Description = "Runs a command", InputSchema = schema, CacheControl = new CacheControlEphemeral() },
            ],
            Messages =
            [
                new MessageParam { Role = Role.User, Content = "What does README.md say?" },
                new MessageParam
                {
                    Role = Role.Assistant,
                    Content = new List<ContentBlockParam>
                    {
                        new ThinkingBlockParam { Thinking = "I should read the file first.", Signature = Signature },
                        new ToolUseBlockParam { ID = "toolu_01A", Name = "Read", Input = new Dictionary<string, JsonElement> { ["path"] = JsonSerializer.SerializeToElement("README.md") } },
                    },
                },
                new MessageParam
                {
                    Role = Role.User,
                    Content = new List<ContentBlockParam>
                    {
                        new ToolResultBlockParam("toolu_01A") { Content = "# Tollgate\nA gateway.", CacheControl = new CacheControlEphemeral() },
                        new TextBlockParam($"now summarise {marker}"),
                    },
                },
            ],
        };
    }

    private static string Conversation(string model, string marker, bool stream)
    {
        var root = new JsonObject
        {
            ["model"] = model,
            ["max_tokens"] = 2048,
            ["stream"] = stream,
            ["thinking"] = new JsonObject { ["type"] = "enabled", ["budget_tokens"] = 1024 },
            ["system"] = new JsonArray(
                new JsonObject { ["type"] = "text", ["text"] = "You are Claude Code." },
                new JsonObject { ["type"] = "text", ["text"] = "Conventions.", ["cache_control"] = new JsonObject { ["type"] = "ephemeral" } }),
            ["tools"] = new JsonArray(
                new JsonObject { ["name"] = "Read", ["description"] = "Reads a file", ["input_schema"] = new JsonObject { ["type"] = "object", ["properties"] = new JsonObject { ["path"] = new JsonObject { ["type"] = "string" } } } },
                new JsonObject { ["name"] = "Bash", ["description"] = "Runs a command", ["input_schema"] = new JsonObject { ["type"] = "object" }, ["cache_control"] = new JsonObject { ["type"] = "ephemeral" } }),
            ["messages"] = new JsonArray(
                new JsonObject { ["role"] = "user", ["content"] = "Read README.md" },
                new JsonObject
                {
                    ["role"] = "assistant",
                    ["content"] = new JsonArray(
                        new JsonObject { ["type"] = "thinking", ["thinking"] = "Reading it \u00e9 first.", ["signature"] = Signature },
                        new JsonObject { ["type"] = "redacted_thinking", ["data"] = "EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP" },
                        new JsonObject { ["type"] = "tool_use", ["id"] = "toolu_01A", ["name"] = "Read", ["input"] = new JsonObject { ["path"] = "README.md" } }),
                },
                new JsonObject
                {
                    ["role"] = "user",
                    ["content"] = new JsonArray(
                        new JsonObject { ["type"] = "tool_result", ["tool_use_id"] = "toolu_01A", ["content"] = "# Tollgate" },
                        new JsonObject { ["type"] = "text", ["text"] = $"summarise {marker}" }),
                }),
            ["metadata"] = new JsonObject { ["user_id"] = "user_abc" },
            ["context_management"] = new JsonObject { ["edits"] = new JsonArray() },
        };
        return root.ToJsonString();
    }
}
