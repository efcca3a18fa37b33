using System.Text;
using Tollgate.Chat;
using Tollgate.Core.Errors;
using Tollgate.Providers.Anthropic;

namespace Tollgate.Providers.Tests.Anthropic;

public sealed class AnthropicRequestParserTests
{
    [Fact]
    public void Parse_EveryTopLevelField_MapsToCanonical()
    {
        var request = Parse("""
            {"model":"claude-x","max_tokens":512,"stream":true,"temperature":0.2,"top_p":0.9,"top_k":40,
             "stop_sequences":["END","STOP"],"metadata":{"user_id":"u-1"},
             "thinking":{"type":"enabled","budget_tokens":2048},
             "system":[{"type":"text","text":"rules"},{"type":"text","text":"cached","cache_control":{"type":"ephemeral","ttl":"1h"}}],
             "tools":[{"name":"get_weather","description":"Weather","input_schema":{"type":"object","properties":{"city":{"type":"string"}}},"cache_control":{"type":"ephemeral"}}],
             "tool_choice":{"type":"tool","name":"get_weather","disable_parallel_tool_use":true},
             "service_tier":"auto","container":{"id":"c1"},
             "messages":[{"role":"user","content":"hi"}]}
            """);

        Assert.Equal("claude-x", request.Model);
        Assert.Equal(512, request.MaxTokens);
        Assert.True(request.Stream);
        Assert.Equal(0.2, request.Temperature);
        Assert.Equal(0.9, request.TopP);
        Assert.Equal(40, request.TopK);
        Assert.Equal(["END", "STOP"], request.Stop);
        Assert.Equal("u-1", request.User);
        Assert.Equal(new ReasoningOptions { Enabled = true, BudgetTokens = 2048 }, request.Reasoning);
        var system = request.Messages[0];
        Assert.Equal(ChatRole.System, system.Role);
        Assert.Equal(2, system.Parts.Count);
        Assert.Null(system.Parts[0].CacheControl);
        Assert.Equal(new CacheControl("ephemeral", "1h"), system.Parts[1].CacheControl);
        var tool = Assert.Single(request.Tools!);
        Assert.Equal("get_weather", tool.Name);
        Assert.Equal("Weather", tool.Description);
        Assert.Equal("object", tool.Parameters!.Value.GetProperty("type").GetString());
        Assert.Equal(CacheControl.Ephemeral, tool.CacheControl);
        Assert.Equal(new ToolChoice(ToolChoiceMode.Function, "get_weather"), request.ToolChoice);
        Assert.False(request.ParallelToolCalls);
        Assert.Equal(["service_tier", "container"], request.AdditionalProperties!.Select(p => p.Key));
        Assert.Equal(ChatRole.User, request.Messages[1].Role);
        Assert.Equal("hi", request.Messages[1].GetText());
    }

    [Fact]
    public void Parse_AssistantTurn_KeepsThinkingOrderSignaturesAndToolCalls()
    {
        var request = Parse("""
            {"model":"m","max_tokens":1,"messages":[
              {"role":"user","content":"go"},
              {"role":"assistant","content":[
                {"type":"thinking","thinking":"plan","signature":"sig-1"},
                {"type":"redacted_thinking","data":"opaque"},
                {"type":"text","text":"Calling."},
                {"type":"tool_use","id":"toolu_1","name":"read","input":{"path":"a b","n":[1,2]},"cache_control":{"type":"ephemeral"}}]}]}
            """);

        var assistant = request.Messages[1];
        Assert.Equal(ChatRole.Assistant, assistant.Role);
        var thinking = Assert.IsType<ThinkingPart>(assistant.Parts[0]);
        Assert.Equal(("plan", "sig-1", SignatureFamilies.Anthropic), (thinking.Text, thinking.Signature, thinking.SignatureFamily));
        var redacted = Assert.IsType<RedactedThinkingPart>(assistant.Parts[1]);
        Assert.Equal(("opaque", SignatureFamilies.Anthropic), (redacted.Data, redacted.SignatureFamily));
        Assert.Equal("Calling.", Assert.IsType<TextPart>(assistant.Parts[2]).Text);
        var call = Assert.Single(assistant.ToolCalls!);
        Assert.Equal(("toolu_1", "read"), (call.Id, call.Name));
        Assert.Equal("""{"path":"a b","n":[1,2]}""", call.ArgumentsJson);
        Assert.Equal(CacheControl.Ephemeral, call.CacheControl);
    }

    [Fact]
    public void Parse_ToolResults_BecomeToolMessagesInPlace()
    {
        var request = Parse("""
            {"model":"m","max_tokens":1,"messages":[
              {"role":"user","content":"go"},
              {"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"a","input":{}},{"type":"tool_use","id":"t2","name":"b","input":{}}]},
              {"role":"user","content":[
                {"type":"tool_result","tool_use_id":"t1","content":"ok"},
                {"type":"tool_result","tool_use_id":"t2","is_error":true,"cache_control":{"type":"ephemeral"},
                 "content":[{"type":"text","text":"failed"},{"type":"image","source":{"type":"base64","media_type":"image/png","data":"AAAA"}}]},
                {"type":"text","text":"continue"}]}]}
            """);

        Assert.Equal([ChatRole.User, ChatRole.Assistant, ChatRole.Tool, ChatRole.Tool, ChatRole.User], request.Messages.Select(m => m.Role));
        Assert.Equal(("t1", false, "ok"), (request.Messages[2].ToolCallId, request.Messages[2].IsError, request.Messages[2].GetText()));
        var second = request.Messages[3];
        Assert.Equal("t2", second.ToolCallId);
        Assert.True(second.IsError);
        Assert.Equal(CacheControl.Ephemeral, second.CacheControl);
        Assert.Equal("data:image/png;base64,AAAA", Assert.IsType<ImagePart>(second.Parts[1]).Url);
        Assert.Equal("continue", request.Messages[4].GetText());
    }

    [Fact]
    public void Parse_ImagesAndDocuments_MapToParts()
    {
        var request = Parse("""
            {"model":"m","max_tokens":1,"messages":[{"role":"user","content":[
              {"type":"image","source":{"type":"url","url":"https://example.com/a.png"}},
              {"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"JVBERi0="},"title":"Spec","context":"v2","citations":{"enabled":true}},
              {"type":"document","source":{"type":"text","media_type":"text/plain","data":"plain words"}},
              {"type":"document","source":{"type":"url","url":"https://example.com/a.pdf"},"cache_control":{"type":"ephemeral"}},
              {"type":"text","text":"cite","citations":[{"type":"char_location","cited_text":"x","document_index":0,"start_char_index":0,"end_char_index":1}]}]}]}
            """);

        var parts = request.Messages[0].Parts;
        Assert.Equal("https://example.com/a.png", Assert.IsType<ImagePart>(parts[0]).Url);
        var pdf = Assert.IsType<DocumentPart>(parts[1]);
        Assert.Equal(("application/pdf", "JVBERi0=", "Spec", "v2", true), (pdf.MediaType, pdf.Data, pdf.Title, pdf.Context, pdf.Citations));
        var text = Assert.IsType<DocumentPart>(parts[2]);
        Assert.Equal(("text/plain", "plain words", false), (text.MediaType, text.Text, text.Citations));
        var url = Assert.IsType<DocumentPart>(parts[3]);
        Assert.Equal(("https://example.com/a.pdf", CacheControl.Ephemeral), (url.Url, url.CacheControl));
        Assert.Equal(1, Assert.IsType<TextPart>(parts[4]).Citations!.Value.GetArrayLength());
    }

    [Theory]
    [InlineData("""{"type":"auto"}""", ToolChoiceMode.Auto)]
    [InlineData("""{"type":"any"}""", ToolChoiceMode.Required)]
    [InlineData("""{"type":"none"}""", ToolChoiceMode.None)]
    public void Parse_ToolChoice_Modes(string choice, ToolChoiceMode mode)
    {
        var request = Parse($$"""{"model":"m","max_tokens":1,"tool_choice":{{choice}},"messages":[{"role":"user","content":"x"}]}""");

        Assert.Equal(mode, request.ToolChoice!.Mode);
        Assert.Null(request.ParallelToolCalls);
    }

    [Fact]
    public void Parse_ThinkingDisabled_ReasoningOff()
    {
        var request = Parse("""{"model":"m","max_tokens":1,"thinking":{"type":"disabled"},"messages":[{"role":"user","content":"x"}]}""");

        Assert.False(request.Reasoning!.Enabled);
    }

    [Fact]
    public void Parse_CountTokens_MaxTokensNotRequired()
    {
        var request = AnthropicRequestParser.Parse(Encoding.UTF8.GetBytes("""{"model":"m","messages":[{"role":"user","content":"x"}]}"""), countTokens: true);

        Assert.Null(request.MaxTokens);
    }

    [Theory]
    [InlineData("""{"model":"m","max_tokens":1,"messages":[""", "There was an error parsing")]
    [InlineData("""{"max_tokens":1,"messages":[{"role":"user","content":"x"}]}""", "model: Field required")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"x"}]}""", "max_tokens: Field required")]
    [InlineData("""{"model":"m","max_tokens":0,"messages":[{"role":"user","content":"x"}]}""", "max_tokens: Input should be greater than or equal to 1")]
    [InlineData("""{"model":"m","max_tokens":1,"messages":[]}""", "messages: At least one message")]
    [InlineData("""{"model":"m","max_tokens":1,"messages":[{"role":"assistant","content":"x"}]}""", "messages.0.role: The first message")]
    [InlineData("""{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"x"},{"role":"system","content":"x"}]}""", "messages.1.role: Unexpected role \"system\"")]
    [InlineData("""{"model":"m","max_tokens":1,"messages":[{"role":"user"}]}""", "messages.0.content: Field required")]
    [InlineData("""{"model":"m","max_tokens":1,"messages":[{"role":"user","content":[{"type":"tool_use","id":"a","name":"b","input":{}}]}]}""", "messages.0.content.0.type: 'tool_use' blocks are only valid in assistant")]
    [InlineData("""{"model":"m","max_tokens":1,"messages":[{"role":"user","content":[{"type":"search_result"}]}]}""", "messages.0.content.0.type: 'search_result' blocks are not supported")]
    [InlineData("""{"model":"m","max_tokens":1,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"file","file_id":"f"}}]}]}""", "messages.0.content.0.source.type")]
    [InlineData("""{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"x"},{"role":"assistant","content":[{"type":"tool_use","id":"a","name":"b","input":"{}"}]}]}""", "messages.1.content.0.input: Input should be an object")]
    [InlineData("""{"model":"m","max_tokens":1,"tools":[{"type":"bash_20250124","name":"bash"}],"messages":[{"role":"user","content":"x"}]}""", "tools.0.type: The server tool 'bash_20250124'")]
    [InlineData("""{"model":"m","max_tokens":1,"tools":[{"name":"t"}],"messages":[{"role":"user","content":"x"}]}""", "tools.0.input_schema: Field required")]
    [InlineData("""{"model":"m","max_tokens":1,"tool_choice":{"type":"tool"},"messages":[{"role":"user","content":"x"}]}""", "tool_choice.name: Field required")]
    [InlineData("""{"model":"m","max_tokens":1,"thinking":{"type":"enabled"},"messages":[{"role":"user","content":"x"}]}""", "thinking.enabled.budget_tokens: Field required")]
    [InlineData("""{"model":"m","max_tokens":1,"system":[{"type":"image"}],"messages":[{"role":"user","content":"x"}]}""", "system.0.type")]
    public void Parse_InvalidRequest_400NamingTheField(string body, string messageStart)
    {
        var ex = Assert.Throws<GatewayException>(() => AnthropicRequestParser.Parse(Encoding.UTF8.GetBytes(body)));

        Assert.Equal(400, ex.StatusCode);
        Assert.Equal("invalid_request_error", ex.ErrorType);
        Assert.StartsWith(messageStart, ex.Message, StringComparison.Ordinal);
    }

    private static ChatRequest Parse(string json) => AnthropicRequestParser.Parse(Encoding.UTF8.GetBytes(json));
}
