using System.Text.Json.Nodes;
using Tollgate.Core.Errors;
using Tollgate.Embeddings;
using Tollgate.Providers.OpenAI;

namespace Tollgate.Providers.Tests.OpenAI;

public sealed class OpenAIEmbeddingMapperTests
{
    [Fact]
    public void ParseRequest_StringInput_MapsSingleInput()
    {
        var request = OpenAIEmbeddingMapper.ParseRequest(OpenAIFixtures.Utf8(
            """{"model":"text-embedding-3-small","input":"The food was delicious","user":"u1"}"""));

        Assert.Equal("text-embedding-3-small", request.Model);
        Assert.Equal(new[] { "The food was delicious" }, request.Inputs);
        Assert.Null(request.Dimensions);
        Assert.Equal(EmbeddingEncoding.Float, request.Encoding);
        Assert.Equal("u1", request.User);
    }

    [Fact]
    public void ParseRequest_ArrayWithDimensionsAndBase64_MapsAllFields()
    {
        var request = OpenAIEmbeddingMapper.ParseRequest(OpenAIFixtures.Utf8(
            """{"model":"m","input":["a","b"],"dimensions":256,"encoding_format":"base64"}"""));

        Assert.Equal(new[] { "a", "b" }, request.Inputs);
        Assert.Equal(256, request.Dimensions);
        Assert.Equal(EmbeddingEncoding.Base64, request.Encoding);
    }

    [Theory]
    [InlineData("""{"model":"m","input":[1212,318,257]}""", "input")]
    [InlineData("""{"model":"m","input":[[1212,318],[257]]}""", "input")]
    [InlineData("""{"model":"m","input":[]}""", "input")]
    [InlineData("""{"model":"m","input":5}""", "input")]
    [InlineData("""{"model":"m"}""", "input")]
    [InlineData("""{"input":"x"}""", "model")]
    [InlineData("""{"model":"m","input":"x","dimensions":0}""", "dimensions")]
    [InlineData("""{"model":"m","input":"x","dimensions":"256"}""", "dimensions")]
    [InlineData("""{"model":"m","input":"x","encoding_format":"int8"}""", "encoding_format")]
    [InlineData("""{"model":"m","input":"x","encoding_format":1}""", "encoding_format")]
    public void ParseRequest_InvalidField_Throws400NamingTheParam(string body, string param)
    {
        var ex = Assert.Throws<GatewayException>(() => OpenAIEmbeddingMapper.ParseRequest(OpenAIFixtures.Utf8(body)));

        Assert.Equal(400, ex.StatusCode);
        Assert.Equal(param, ex.Param);
    }

    [Fact]
    public void WriteRequest_CanonicalRequest_AlwaysAsksForFloats()
    {
        var request = new EmbeddingRequest { Model = "m", Inputs = ["a"], Dimensions = 64, Encoding = EmbeddingEncoding.Base64, User = "u" };

        var actual = OpenAIFixtures.Write(w => OpenAIEmbeddingMapper.WriteRequest(w, request));

        OpenAIFixtures.AssertJsonEqual(
            JsonNode.Parse("""{"model":"m","input":["a"],"dimensions":64,"encoding_format":"float","user":"u"}"""),
            actual);
    }

    [Fact]
    public void ParseResponse_FloatVectors_SortsByIndexAndReadsUsage()
    {
        var response = OpenAIEmbeddingMapper.ParseResponse(OpenAIFixtures.ReadBytes("embeddings_float.json"));

        Assert.Equal("text-embedding-3-small", response.Model);
        Assert.Equal(8, response.InputTokens);
        Assert.Equal(2, response.Vectors.Count);
        Assert.Equal(new[] { 0.0023064255f, -0.009327292f }, response.Vectors[0]);
        Assert.Equal(new[] { 0.25f, -0.5f }, response.Vectors[1]);
    }

    [Fact]
    public void ParseResponse_Base64Vectors_DecodesLittleEndianFloat32()
    {
        var response = OpenAIEmbeddingMapper.ParseResponse(OpenAIFixtures.ReadBytes("embeddings_base64.json"));

        Assert.Equal(new[] { 1.5f, -2.25f }, Assert.Single(response.Vectors));
        Assert.Equal(3, response.InputTokens);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"object":"list"}""")]
    [InlineData("""{"data":[{"embedding":"***"}]}""")]
    public void ParseResponse_Unreadable_ThrowsInvalidResponse502(string body)
    {
        var ex = Assert.Throws<ProviderException>(() => OpenAIEmbeddingMapper.ParseResponse(OpenAIFixtures.Utf8(body)));

        Assert.Equal(ProviderErrorKind.InvalidResponse, ex.Kind);
        Assert.Equal(502, ex.StatusCode);
    }

    [Fact]
    public void WriteResponse_Float_WritesOpenAIShape()
    {
        var response = new EmbeddingResponse("text-embedding-3-small", [[0.25f, -0.5f], [1f]], 5);

        var actual = OpenAIFixtures.Write(w => OpenAIEmbeddingMapper.WriteResponse(w, response, EmbeddingEncoding.Float));

        OpenAIFixtures.AssertJsonEqual(
            JsonNode.Parse("""
                {"object":"list","data":[
                  {"object":"embedding","index":0,"embedding":[0.25,-0.5]},
                  {"object":"embedding","index":1,"embedding":[1]}],
                 "model":"text-embedding-3-small","usage":{"prompt_tokens":5,"total_tokens":5}}
                """),
            actual);
    }

    [Fact]
    public void WriteResponse_Base64_WritesLittleEndianFloat32()
    {
        var response = new EmbeddingResponse("text-embedding-3-small", [[1.5f, -2.25f]], 3);

        var actual = OpenAIFixtures.Write(w => OpenAIEmbeddingMapper.WriteResponse(w, response, EmbeddingEncoding.Base64));

        Assert.Equal("AADAPwAAEMA=", (string?)actual["data"]![0]!["embedding"]);
    }

    [Fact]
    public void WriteResponseThenParse_Base64_RoundTripsExactly()
    {
        float[] vector = [0.1f, -0.0f, float.Epsilon, 3.4e38f, -123.456f];
        var written = OpenAIFixtures.Write(w => OpenAIEmbeddingMapper.WriteResponse(w, new EmbeddingResponse("m", [vector], 1), EmbeddingEncoding.Base64));

        var parsed = OpenAIEmbeddingMapper.ParseResponse(OpenAIFixtures.Utf8(written.ToJsonString()));

        Assert.Equal(vector, Assert.Single(parsed.Vectors));
    }
}
