using System.Text.Json;
using Tollgate.Chat;
using Tollgate.Server.Endpoints.Anthropic;

namespace Tollgate.Server.Tests.Endpoints.Anthropic;

public sealed class TokenEstimatorTests
{
    [Fact]
    public void Estimate_Text_BytesOverThreeRoundedUpPlusMessageOverhead()
    {
        var request = new ChatRequest { Model = "m", Messages = [ChatMessage.FromText(ChatRole.User, "hello world")] };

        Assert.Equal(4 + TokenEstimator.PerMessage, TokenEstimator.Estimate(request));
    }

    [Fact]
    public void Estimate_ToolsImagesAndCalls_AllCounted()
    {
        var schema = JsonDocument.Parse("""{"type":"object"}""").RootElement;
        var request = new ChatRequest
        {
            Model = "m",
            Messages =
            [
                new ChatMessage(ChatRole.User, [new TextPart("abc"), new ImagePart("data:image/png;base64,AAAA")]),
                new ChatMessage(ChatRole.Assistant, []) { ToolCalls = [new ToolCall("t", "ab", "{}")] },
            ],
            Tools = [new ToolDefinition("tool", "desc", schema)],
        };

        // Bytes: "abc" 3 + "ab" 2 + "{}" 2 + "tool" 4 + "desc" 4 + schema 17 = 32 -> 11 tokens.
        Assert.Equal(11 + (2 * TokenEstimator.PerMessage) + TokenEstimator.PerImage + TokenEstimator.PerTool, TokenEstimator.Estimate(request));
    }

    [Fact]
    public void Estimate_MultiByteText_ErrsHigh()
    {
        var request = new ChatRequest { Model = "m", Messages = [ChatMessage.FromText(ChatRole.User, "日本語のテキスト")] };

        // 8 characters, 24 UTF-8 bytes.
        Assert.Equal(8 + TokenEstimator.PerMessage, TokenEstimator.Estimate(request));
    }
}
