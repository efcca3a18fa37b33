using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tollgate.Server.Endpoints.OpenAI;

namespace Tollgate.Server.Tests.Endpoints.OpenAI;

public sealed class PassthroughRelayTests
{
    private const string Body = """{"messages":[{"role":"user","content":"say \"model\""}], "model" : "gpt-4o" ,"temperature":0.2,"metadata":{"model":"x"}}""";

    [Fact]
    public void RewriteBody_NewModel_ReplacesOnlyTheModelValue()
    {
        var body = Utf8(Body);
        var scan = OpenAIRequestScanner.Scan(body, requireMessages: true);

        var result = PassthroughRelay.RewriteBody(body, scan, "gpt-4o-2024-08-06", injectUsage: false);

        Assert.Equal(
            """{"messages":[{"role":"user","content":"say \"model\""}], "model" : "gpt-4o-2024-08-06" ,"temperature":0.2,"metadata":{"model":"x"}}""",
            Encoding.UTF8.GetString(result));
    }

    [Fact]
    public void RewriteBody_EverythingButTheModel_IsByteIdentical()
    {
        var body = Utf8(Body);
        var scan = OpenAIRequestScanner.Scan(body, requireMessages: true);

        var result = PassthroughRelay.RewriteBody(body, scan, "m2", injectUsage: false);

        var prefix = body.AsSpan(0, scan.ModelStart);
        var suffix = body.AsSpan(scan.ModelEnd);
        Assert.True(result.AsSpan().StartsWith(prefix));
        Assert.True(result.AsSpan().EndsWith(suffix));
        Assert.Equal("\"m2\"", Encoding.UTF8.GetString(result, scan.ModelStart, result.Length - prefix.Length - suffix.Length));
    }

    [Theory]
    [InlineData("my\"model")]
    [InlineData("back\\slash")]
    [InlineData("line\nbreak")]
    [InlineData("accents-é-模型")]
    [InlineData("org/model:tag<v1>&")]
    public void RewriteBody_ModelNeedingEscaping_ProducesValidJsonWithThatModel(string upstreamModel)
    {
        var body = Utf8(Body);
        var scan = OpenAIRequestScanner.Scan(body, requireMessages: true);

        var result = PassthroughRelay.RewriteBody(body, scan, upstreamModel, injectUsage: false);

        var node = JsonNode.Parse(result)!;
        Assert.Equal(upstreamModel, (string?)node["model"]);
        Assert.Equal("x", (string?)node["metadata"]!["model"]);
        Assert.Equal(upstreamModel, OpenAIRequestScanner.Scan(result, requireMessages: true).Model);
    }

    [Fact]
    public void RewriteBody_InjectUsage_InsertsStreamOptionsRightAfterTheOpeningBrace()
    {
        var body = Utf8("""  {"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"hi"}]}""");
        var scan = OpenAIRequestScanner.Scan(body, requireMessages: true);

        var result = PassthroughRelay.RewriteBody(body, scan, "gpt-4o-mini", injectUsage: true);

        Assert.Equal(
            """  {"stream_options":{"include_usage":true},"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"hi"}]}""",
            Encoding.UTF8.GetString(result));
        using var document = JsonDocument.Parse(result);
        Assert.True(document.RootElement.GetProperty("stream_options").GetProperty("include_usage").GetBoolean());
        var rescan = OpenAIRequestScanner.Scan(result, requireMessages: true);
        Assert.True(rescan.HasStreamOptions);
        Assert.True(rescan.IncludeUsage);
    }

    [Fact]
    public void RewriteBody_InjectUsageWithModelLast_IsValidJson()
    {
        var body = Utf8("{\n  \"stream\": true,\n  \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}],\n  \"model\": \"a\"\n}\n");
        var scan = OpenAIRequestScanner.Scan(body, requireMessages: true);

        var result = PassthroughRelay.RewriteBody(body, scan, "bbbbbbbb", injectUsage: true);

        var node = JsonNode.Parse(result)!;
        Assert.Equal("bbbbbbbb", (string?)node["model"]);
        Assert.True((bool)node["stream_options"]!["include_usage"]!);
        Assert.Equal(body.Length - 3 + 10 + "\"stream_options\":{\"include_usage\":true},".Length, result.Length);
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
