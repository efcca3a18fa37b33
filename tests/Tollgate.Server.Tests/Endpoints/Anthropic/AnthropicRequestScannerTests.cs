using System.Text;
using Tollgate.Core.Errors;
using Tollgate.Server.Endpoints.Anthropic;

namespace Tollgate.Server.Tests.Endpoints.Anthropic;

public sealed class AnthropicRequestScannerTests
{
    [Fact]
    public void Scan_ModelAnywhere_FindsValueOffsetsAndStream()
    {
        var body = Utf8("""{"max_tokens":5,"messages":[{"role":"user","content":"model"}],"stream":true,"model":"claude"}""");

        var scan = AnthropicRequestScanner.Scan(body, requireMaxTokens: true);

        Assert.Equal("claude", scan.Model);
        Assert.True(scan.Stream);
        Assert.Equal("\"claude\"", Encoding.UTF8.GetString(body[scan.ModelStart..scan.ModelEnd]));
    }

    [Fact]
    public void RewriteBody_OnlyTheModelValueChanges()
    {
        var text = """{ "model" : "claude", "system":[{"type":"text","text":"é \u00e9","cache_control":{"type":"ephemeral"}}],"max_tokens":5,"messages":[{"role":"user","content":"claude"}]}""";
        var body = Utf8(text);
        var scan = AnthropicRequestScanner.Scan(body, requireMaxTokens: true);

        var rewritten = AnthropicPassthroughRelay.RewriteBody(body, scan, "claude-sonnet-4-5");

        Assert.Equal(text.Replace("\"model\" : \"claude\"", "\"model\" : \"claude-sonnet-4-5\"", StringComparison.Ordinal), Encoding.UTF8.GetString(rewritten));
    }

    [Fact]
    public void Scan_CountTokens_MaxTokensOptional()
    {
        var scan = AnthropicRequestScanner.Scan(Utf8("""{"model":"m","messages":[{"role":"user","content":"x"}]}"""), requireMaxTokens: false);

        Assert.Equal("m", scan.Model);
        Assert.False(scan.Stream);
    }

    [Theory]
    [InlineData("""{"model":"m","max_tokens":1,"messages":[{"role":""", "There was an error parsing", null)]
    [InlineData("""{"model":"m","max_tokens":1,"messages":[{"role":"user","content":"x"}]} {}""", "There was an error parsing", null)]
    [InlineData("""[]""", "The request body must be a JSON object", null)]
    [InlineData("""{"max_tokens":1,"messages":[{"role":"user","content":"x"}]}""", "model: Field required", "model")]
    [InlineData("""{"model":7,"max_tokens":1,"messages":[]}""", "model: Input should be a valid string", "model")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"x"}]}""", "max_tokens: Field required", "max_tokens")]
    [InlineData("""{"model":"m","max_tokens":"5","messages":[{"role":"user","content":"x"}]}""", "max_tokens: Input should be a valid integer", "max_tokens")]
    [InlineData("""{"model":"m","max_tokens":0,"messages":[{"role":"user","content":"x"}]}""", "max_tokens: Input should be greater than or equal to 1", "max_tokens")]
    [InlineData("""{"model":"m","max_tokens":1}""", "messages: Field required", "messages")]
    [InlineData("""{"model":"m","max_tokens":1,"messages":[]}""", "messages: At least one message", "messages")]
    [InlineData("""{"model":"m","max_tokens":1,"stream":"yes","messages":[{"role":"user","content":"x"}]}""", "stream: Input should be a valid boolean", "stream")]
    public void Scan_Invalid_400NamingTheField(string body, string message, string? param)
    {
        var ex = Assert.Throws<GatewayException>(() => AnthropicRequestScanner.Scan(Utf8(body), requireMaxTokens: true));

        Assert.Equal(400, ex.StatusCode);
        Assert.StartsWith(message, ex.Message, StringComparison.Ordinal);
        Assert.Equal(param, ex.Param);
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
