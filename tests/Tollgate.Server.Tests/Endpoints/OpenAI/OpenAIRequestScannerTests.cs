using System.Text;
using Tollgate.Core.Errors;
using Tollgate.Server.Endpoints.OpenAI;

namespace Tollgate.Server.Tests.Endpoints.OpenAI;

public sealed class OpenAIRequestScannerTests
{
    [Fact]
    public void Scan_ModelFirst_ReturnsValueAndExactQuoteOffsets()
    {
        var body = Utf8("""{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}""");

        var scan = OpenAIRequestScanner.Scan(body, requireMessages: true);

        Assert.Equal("gpt-4o", scan.Model);
        Assert.Equal(9, scan.ModelStart);
        Assert.Equal(17, scan.ModelEnd);
        Assert.Equal("\"gpt-4o\"", Encoding.UTF8.GetString(body[scan.ModelStart..scan.ModelEnd]));
        Assert.False(scan.Stream);
        Assert.False(scan.HasStreamOptions);
        Assert.False(scan.IncludeUsage);
    }

    [Fact]
    public void Scan_ModelAfterNestedContentAndWhitespace_OffsetsPointAtTheTopLevelValue()
    {
        var body = Utf8("""
            {
              "messages": [{"role": "user", "content": "{\"model\":\"decoy\"}", "model": "inner"}],
              "metadata": {"model": "also-decoy"},
              "model" :  "gpt-4o-mini"
            }
            """);

        var scan = OpenAIRequestScanner.Scan(body, requireMessages: true);

        Assert.Equal("gpt-4o-mini", scan.Model);
        Assert.Equal("\"gpt-4o-mini\"", Encoding.UTF8.GetString(body[scan.ModelStart..scan.ModelEnd]));
    }

    [Fact]
    public void Scan_EscapedModel_UnescapesValueAndSpansTheRawToken()
    {
        var body = Utf8("""{"model":"my\"model\u00e9\/x","messages":[1]}""");

        var scan = OpenAIRequestScanner.Scan(body, requireMessages: true);

        Assert.Equal("my\"model\u00e9/x", scan.Model);
        Assert.Equal("\"my\\\"model\\u00e9\\/x\"", Encoding.UTF8.GetString(body[scan.ModelStart..scan.ModelEnd]));
    }

    [Theory]
    [InlineData("\"stream\":true", true, false, false)]
    [InlineData("\"stream\":false", false, false, false)]
    [InlineData("\"stream\":null", false, false, false)]
    [InlineData("\"stream\":true,\"stream_options\":{\"include_usage\":true}", true, true, true)]
    [InlineData("\"stream\":true,\"stream_options\":{\"include_usage\":false}", true, true, false)]
    [InlineData("\"stream\":true,\"stream_options\":{}", true, true, false)]
    [InlineData("\"stream\":true,\"stream_options\":null", true, true, false)]
    [InlineData("\"stream_options\":{\"other\":[1,{\"a\":2}],\"include_usage\":true},\"stream\":true", true, true, true)]
    public void Scan_StreamFields_Reported(string fields, bool stream, bool hasOptions, bool includeUsage)
    {
        var scan = OpenAIRequestScanner.Scan(Utf8($$$"""{"model":"m","messages":[{"role":"user","content":"hi"}],{{{fields}}}}"""), requireMessages: true);

        Assert.Equal(stream, scan.Stream);
        Assert.Equal(hasOptions, scan.HasStreamOptions);
        Assert.Equal(includeUsage, scan.IncludeUsage);
    }

    [Theory]
    [InlineData("\"model\":5", "model")]
    [InlineData("\"model\":null", "model")]
    [InlineData("\"stream\":\"true\"", "stream")]
    [InlineData("\"stream\":1", "stream")]
    [InlineData("\"stream_options\":true", "stream_options")]
    [InlineData("\"messages\":{}", "messages")]
    [InlineData("\"messages\":\"hi\"", "messages")]
    [InlineData("\"temperature\":\"hot\"", "temperature")]
    [InlineData("\"top_p\":[]", "top_p")]
    [InlineData("\"presence_penalty\":true", "presence_penalty")]
    [InlineData("\"frequency_penalty\":{}", "frequency_penalty")]
    [InlineData("\"max_tokens\":1.5", "max_tokens")]
    [InlineData("\"max_completion_tokens\":\"10\"", "max_completion_tokens")]
    [InlineData("\"n\":2.5", "n")]
    [InlineData("\"seed\":\"1\"", "seed")]
    [InlineData("\"top_logprobs\":false", "top_logprobs")]
    [InlineData("\"dimensions\":1e400", "dimensions")]
    public void Scan_WrongType_Throws400NamingTheParam(string field, string param)
    {
        var body = Utf8($$$"""{"model":"m",{{{field}}},"messages":[{"role":"user","content":"hi"}]}""".Replace("\"model\":\"m\",\"model\"", "\"model\"", StringComparison.Ordinal));

        var ex = Assert.Throws<GatewayException>(() => OpenAIRequestScanner.Scan(body, requireMessages: true));

        Assert.Equal(400, ex.StatusCode);
        Assert.Equal("invalid_request_error", ex.ErrorType);
        Assert.Equal(param, ex.Param);
        Assert.Equal("invalid_type", ex.Code);
    }

    [Theory]
    [InlineData("\"temperature\":null")]
    [InlineData("\"temperature\":0.7,\"top_p\":1,\"max_tokens\":100,\"n\":1,\"seed\":-5,\"top_logprobs\":0")]
    public void Scan_NumbersOfRightTypeOrNull_Accepted(string fields)
    {
        var scan = OpenAIRequestScanner.Scan(Utf8($$$"""{"model":"m","messages":[{"role":"user","content":"hi"}],{{{fields}}}}"""), requireMessages: true);

        Assert.Equal("m", scan.Model);
    }

    [Fact]
    public void Scan_MissingModel_Throws400Model()
    {
        var ex = Assert.Throws<GatewayException>(() => OpenAIRequestScanner.Scan(Utf8("""{"messages":[{"role":"user","content":"hi"}]}"""), requireMessages: true));

        Assert.Equal("model", ex.Param);
        Assert.Equal("missing_required_parameter", ex.Code);
    }

    [Fact]
    public void Scan_MissingMessages_Throws400Messages()
    {
        var ex = Assert.Throws<GatewayException>(() => OpenAIRequestScanner.Scan(Utf8("""{"model":"m"}"""), requireMessages: true));

        Assert.Equal(400, ex.StatusCode);
        Assert.Equal("messages", ex.Param);
        Assert.Equal("missing_required_parameter", ex.Code);
    }

    [Fact]
    public void Scan_MissingMessagesWhenNotRequired_Succeeds()
    {
        var scan = OpenAIRequestScanner.Scan(Utf8("""{"model":"m","input":"x"}"""), requireMessages: false, requireInput: true);

        Assert.Equal("m", scan.Model);
    }

    [Theory]
    [InlineData("""{"model":"m"}""")]
    [InlineData("""{"model":"m","input":null}""")]
    public void Scan_MissingInputWhenRequired_Throws400Input(string body)
    {
        var ex = Assert.Throws<GatewayException>(() => OpenAIRequestScanner.Scan(Utf8(body), requireMessages: false, requireInput: true));

        Assert.Equal("input", ex.Param);
    }

    [Fact]
    public void Scan_EmptyMessages_Throws400Messages()
    {
        var ex = Assert.Throws<GatewayException>(() => OpenAIRequestScanner.Scan(Utf8("""{"model":"m","messages":[ ]}"""), requireMessages: true));

        Assert.Equal(400, ex.StatusCode);
        Assert.Equal("messages", ex.Param);
    }

    [Fact]
    public void Scan_FieldsAfterMessages_StillScanned()
    {
        var scan = OpenAIRequestScanner.Scan(
            Utf8("""{"messages":[{"role":"user","content":[{"type":"text","text":"hi"}]},[],"x",{"a":{"b":[1]}}],"stream":true,"model":"late"}"""),
            requireMessages: true);

        Assert.Equal("late", scan.Model);
        Assert.True(scan.Stream);
    }

    [Theory]
    [InlineData("""{"model":"m","messages":[1]} x""")]
    [InlineData("""{"model":"m","messages":[1]}{}""")]
    [InlineData("""{"model":"m","messages":[1]""")]
    [InlineData("""{"model":"m","messages":[1],}""")]
    [InlineData("{not json")]
    public void Scan_MalformedOrTrailingGarbage_Throws400InvalidJson(string body)
    {
        var ex = Assert.Throws<GatewayException>(() => OpenAIRequestScanner.Scan(Utf8(body), requireMessages: true));

        Assert.Equal(400, ex.StatusCode);
        Assert.Equal("invalid_json", ex.Code);
    }

    [Fact]
    public void Scan_TrailingWhitespace_Accepted()
    {
        var scan = OpenAIRequestScanner.Scan(Utf8("{\"model\":\"m\",\"messages\":[1]} \r\n\t"), requireMessages: true);

        Assert.Equal("m", scan.Model);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"model\"")]
    [InlineData("42")]
    [InlineData("null")]
    [InlineData("")]
    public void Scan_NonObjectBody_Throws400(string body)
    {
        var ex = Assert.Throws<GatewayException>(() => OpenAIRequestScanner.Scan(Utf8(body), requireMessages: true));

        Assert.Equal(400, ex.StatusCode);
        Assert.Equal("invalid_json", ex.Code);
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
