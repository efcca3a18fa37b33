using System.Text.Json;
using System.Text.Json.Nodes;
using Tollgate.Chat;
using Tollgate.Core.Errors;
using Tollgate.Providers.OpenAI;

namespace Tollgate.Providers.Tests.OpenAI;

public sealed class OpenAIRequestMapperTests
{
    private const string User = """{"role":"user","content":"hi"}""";

    public static TheoryData<string, string> InvalidBodies => new()
    {
        { """{"messages":[{"role":"user","content":"hi"}]}""", "model" },
        { """{"model":5,"messages":[{"role":"user","content":"hi"}]}""", "model" },
        { """{"model":"m"}""", "messages" },
        { """{"model":"m","messages":{}}""", "messages" },
        { """{"model":"m","messages":[]}""", "messages" },
        { """{"model":"m","messages":["hi"]}""", "messages[0]" },
        { """{"model":"m","messages":[{"content":"hi"}]}""", "messages[0].role" },
        { """{"model":"m","messages":[{"role":"robot","content":"hi"}]}""", "messages[0].role" },
        { $$$"""{"model":"m","messages":[{{{User}}},{"role":"user"}]}""", "messages[1].content" },
        { """{"model":"m","messages":[{"role":"user","content":42}]}""", "messages[0].content" },
        { """{"model":"m","messages":[{"role":"user","content":["hi"]}]}""", "messages[0].content[0]" },
        { """{"model":"m","messages":[{"role":"user","content":[{"type":"input_audio"}]}]}""", "messages[0].content[0].type" },
        { """{"model":"m","messages":[{"role":"user","content":[{"type":"text"}]}]}""", "messages[0].content[0].text" },
        { """{"model":"m","messages":[{"role":"system","content":[{"type":"image_url","image_url":{"url":"u"}}]}]}""", "messages[0].content[0].type" },
        { """{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"a"},{"type":"image_url"}]}]}""", "messages[0].content[1].image_url" },
        { """{"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{}}]}]}""", "messages[0].content[0].image_url.url" },
        { """{"model":"m","messages":[{"role":"user","content":"hi","name":5}]}""", "messages[0].name" },
        { """{"model":"m","messages":[{"role":"user","content":"hi","tool_calls":[]}]}""", "messages[0].tool_calls" },
        { $$$"""{"model":"m","messages":[{{{User}}},{"role":"tool","content":"22"}]}""", "messages[1].tool_call_id" },
        { """{"model":"m","messages":[{"role":"assistant","tool_calls":{}}]}""", "messages[0].tool_calls" },
        { """{"model":"m","messages":[{"role":"assistant","tool_calls":[{"id":"c"}]}]}""", "messages[0].tool_calls[0].function" },
        { """{"model":"m","messages":[{"role":"assistant","tool_calls":[{"function":{"name":"f","arguments":"{}"}}]}]}""", "messages[0].tool_calls[0].id" },
        { """{"model":"m","messages":[{"role":"assistant","tool_calls":[{"id":"c","function":{"name":"f"}}]}]}""", "messages[0].tool_calls[0].function.arguments" },
        { $$$"""{"model":"m","messages":[{{{User}}}],"tools":{}}""", "tools" },
        { $$$"""{"model":"m","messages":[{{{User}}}],"tools":[{"type":"function"}]}""", "tools[0].function" },
        { $$$"""{"model":"m","messages":[{{{User}}}],"tools":[{"type":"retrieval"}]}""", "tools[0].type" },
        { $$$"""{"model":"m","messages":[{{{User}}}],"tools":[{"type":"function","function":{}}]}""", "tools[0].function.name" },
        { $$$"""{"model":"m","messages":[{{{User}}}],"tools":[{"type":"function","function":{"name":"f","parameters":"x"}}]}""", "tools[0].function.parameters" },
        { $$$"""{"model":"m","messages":[{{{User}}}],"tools":[{"type":"function","function":{"name":"f","strict":"yes"}}]}""", "tools[0].function.strict" },
        { $$$"""{"model":"m","messages":[{{{User}}}],"tool_choice":"sometimes"}""", "tool_choice" },
        { $$$"""{"model":"m","messages":[{{{User}}}],"tool_choice":5}""", "tool_choice" },
        { $$$$"""{"model":"m","messages":[{{{{User}}}}],"tool_choice":{"type":"function","function":{}}}""", "tool_choice.function.name" },
        { $$$"""{"model":"m","messages":[{{{User}}}],"parallel_tool_calls":"no"}""", "parallel_tool_calls" },
        { $$$"""{"model":"m","messages":[{{{User}}}],"response_format":"json"}""", "response_format" },
        { $$$"""{"model":"m","messages":[{{{User}}}],"response_format":{}}""", "response_format.type" },
        { $$$"""{"model":"m","messages":[{{{User}}}],"response_format":{"type":"xml"}}""", "response_format.type" },
        { $$$"""{"model":"m","messages":[{{{User}}}],"response_format":{"type":"json_schema"}}""", "response_format.json_schema" },
        { $$$$"""{"model":"m","messages":[{{{{User}}}}],"response_format":{"type":"json_schema","json_schema":{}}}""", "response_format.json_schema.name" },
        { $$$"""{"model":"m","messages":[{{{User}}}],"temperature":"hot"}""", "temperature" },
        { $$$"""{"model":"m","messages":[{{{User}}}],"temperature":2.5}""", "temperature" },
        { $$$"""{"model":"m","messages":[{{{User}}}],"top_p":1.5}""", "top_p" },
        { $$$"""{"model":"m","messages":[{{{User}}}],"max_tokens":0}""", "max_tokens" },
        { $$$"""{"model":"m","messages":[{{{User}}}],"max_tokens":1.5}""", "max_tokens" },
        { $$$"""{"model":"m","messages":[{{{User}}}],"max_completion_tokens":"5"}""", "max_completion_tokens" },
        { $$$"""{"model":"m","messages":[{{{User}}}],"stop":5}""", "stop" },
        { $$$"""{"model":"m","messages":[{{{User}}}],"stop":["a",1]}""", "stop" },
        { $$$"""{"model":"m","messages":[{{{User}}}],"stop":["a","b","c","d","e"]}""", "stop" },
        { $$$"""{"model":"m","messages":[{{{User}}}],"seed":"x"}""", "seed" },
        { $$$"""{"model":"m","messages":[{{{User}}}],"seed":1.5}""", "seed" },
        { $$$"""{"model":"m","messages":[{{{User}}}],"n":0}""", "n" },
        { $$$"""{"model":"m","messages":[{{{User}}}],"n":129}""", "n" },
        { $$$"""{"model":"m","messages":[{{{User}}}],"user":5}""", "user" },
        { $$$"""{"model":"m","messages":[{{{User}}}],"logprobs":"yes"}""", "logprobs" },
        { $$$"""{"model":"m","messages":[{{{User}}}],"top_logprobs":21}""", "top_logprobs" },
        { $$$"""{"model":"m","messages":[{{{User}}}],"presence_penalty":3}""", "presence_penalty" },
        { $$$"""{"model":"m","messages":[{{{User}}}],"frequency_penalty":-2.5}""", "frequency_penalty" },
        { $$$"""{"model":"m","messages":[{{{User}}}],"stream":"true"}""", "stream" },
        { $$$"""{"model":"m","messages":[{{{User}}}],"stream_options":5}""", "stream_options" },
        { $$$"""{"model":"m","messages":[{{{User}}}],"stream_options":{"include_usage":"yes"}}""", "stream_options.include_usage" },
    };

    [Fact]
    public void Parse_FullRequest_MapsEveryModeledField()
    {
        var request = OpenAIRequestMapper.Parse(OpenAIFixtures.ReadBytes("request_full.json"));

        Assert.Equal("gpt-4o", request.Model);
        Assert.Equal(5, request.Messages.Count);

        var system = request.Messages[0];
        Assert.Equal(ChatRole.System, system.Role);
        Assert.Equal(new ContentPart[] { new TextPart("You are terse.") }, system.Parts);

        var developer = request.Messages[1];
        Assert.Equal(ChatRole.Developer, developer.Role);
        Assert.Equal(new ContentPart[] { new TextPart("Answer in French.") }, developer.Parts);

        var user = request.Messages[2];
        Assert.Equal(ChatRole.User, user.Role);
        Assert.Equal("alice", user.Name);
        Assert.Equal(
            new ContentPart[] { new TextPart("What is in this image?"), new ImagePart("https://example.com/cat.png", "high") },
            user.Parts);

        var assistant = request.Messages[3];
        Assert.Equal(ChatRole.Assistant, assistant.Role);
        Assert.Empty(assistant.Parts);
        var call = Assert.Single(assistant.ToolCalls!);
        Assert.Equal(new ToolCall("call_abc123", "get_weather", """{"location":"Paris"}"""), call);

        var tool = request.Messages[4];
        Assert.Equal(ChatRole.Tool, tool.Role);
        Assert.Equal("call_abc123", tool.ToolCallId);
        Assert.Equal("""{"temperature":22}""", tool.GetText());

        var definition = Assert.Single(request.Tools!);
        Assert.Equal("get_weather", definition.Name);
        Assert.Equal("Get the current weather in a location", definition.Description);
        Assert.True(definition.Strict);
        Assert.Equal("object", definition.Parameters!.Value.GetProperty("type").GetString());

        Assert.Equal(new ToolChoice(ToolChoiceMode.Function, "get_weather"), request.ToolChoice);
        Assert.False(request.ParallelToolCalls);
        Assert.Equal(ResponseFormatKind.JsonSchema, request.ResponseFormat!.Kind);
        Assert.Equal("weather", request.ResponseFormat.SchemaName);
        Assert.True(request.ResponseFormat.Strict);
        Assert.Equal("object", request.ResponseFormat.Schema!.Value.GetProperty("type").GetString());

        Assert.Equal(0.7, request.Temperature);
        Assert.Equal(0.9, request.TopP);
        Assert.Equal(256, request.MaxTokens);
        Assert.Equal(new[] { "END" }, request.Stop!);
        Assert.Equal(42, request.Seed);
        Assert.Equal(2, request.N);
        Assert.Equal("user-1234", request.User);
        Assert.True(request.Logprobs);
        Assert.Equal(3, request.TopLogprobs);
        Assert.Equal(0.5, request.PresencePenalty);
        Assert.Equal(-0.5, request.FrequencyPenalty);
        Assert.True(request.Stream);
        Assert.True(request.IncludeUsage);

        var additional = request.AdditionalProperties!;
        Assert.Equal(new[] { "metadata", "store", "service_tier" }, additional.Select(p => p.Key));
        OpenAIFixtures.AssertJsonEqual(JsonNode.Parse("""{"project":"tollgate"}"""), additional["metadata"]);
        Assert.False((bool)additional["store"]!);
        Assert.Equal("auto", (string?)additional["service_tier"]);
    }

    [Fact]
    public void Parse_MinimalRequest_LeavesOptionalFieldsUnset()
    {
        var request = OpenAIRequestMapper.Parse(OpenAIFixtures.Utf8($$$"""{"model":"m","messages":[{{{User}}}]}"""));

        Assert.Equal("m", request.Model);
        Assert.Null(request.Tools);
        Assert.Null(request.ToolChoice);
        Assert.Null(request.ResponseFormat);
        Assert.Null(request.Temperature);
        Assert.Null(request.MaxTokens);
        Assert.Null(request.Stop);
        Assert.False(request.Stream);
        Assert.False(request.IncludeUsage);
        Assert.Null(request.AdditionalProperties);
    }

    [Theory]
    [InlineData("\"auto\"", ToolChoiceMode.Auto)]
    [InlineData("\"none\"", ToolChoiceMode.None)]
    [InlineData("\"required\"", ToolChoiceMode.Required)]
    public void Parse_ToolChoiceString_MapsMode(string json, ToolChoiceMode expected)
    {
        var request = OpenAIRequestMapper.Parse(OpenAIFixtures.Utf8($$$"""{"model":"m","messages":[{{{User}}}],"tool_choice":{{{json}}}}"""));

        Assert.Equal(new ToolChoice(expected), request.ToolChoice);
    }

    [Theory]
    [InlineData("""{"type":"text"}""", ResponseFormatKind.Text)]
    [InlineData("""{"type":"json_object"}""", ResponseFormatKind.JsonObject)]
    public void Parse_SimpleResponseFormat_MapsKind(string json, ResponseFormatKind expected)
    {
        var request = OpenAIRequestMapper.Parse(OpenAIFixtures.Utf8($$$"""{"model":"m","messages":[{{{User}}}],"response_format":{{{json}}}}"""));

        Assert.Equal(new ResponseFormat(expected), request.ResponseFormat);
    }

    [Theory]
    [InlineData("\"max_tokens\":10", 10)]
    [InlineData("\"max_completion_tokens\":20", 20)]
    [InlineData("\"max_tokens\":10,\"max_completion_tokens\":20", 20)]
    [InlineData("\"max_completion_tokens\":20,\"max_tokens\":null", 20)]
    public void Parse_MaxTokensVariants_MapToMaxTokens(string fields, int expected)
    {
        var request = OpenAIRequestMapper.Parse(OpenAIFixtures.Utf8($$$"""{"model":"m","messages":[{{{User}}}],{{{fields}}}}"""));

        Assert.Equal(expected, request.MaxTokens);
    }

    [Theory]
    [InlineData("\"stop\":\"x\"", new[] { "x" })]
    [InlineData("\"stop\":[\"x\",\"y\"]", new[] { "x", "y" })]
    public void Parse_StopStringOrArray_MapsToList(string fields, string[] expected)
    {
        var request = OpenAIRequestMapper.Parse(OpenAIFixtures.Utf8($$$"""{"model":"m","messages":[{{{User}}}],{{{fields}}}}"""));

        Assert.Equal(expected, request.Stop!);
    }

    [Theory]
    [InlineData("\"stream\":true", true, false)]
    [InlineData("\"stream\":true,\"stream_options\":{\"include_usage\":false}", true, false)]
    [InlineData("\"stream\":false,\"stream_options\":null", false, false)]
    [InlineData("\"stream\":true,\"stream_options\":{\"include_usage\":true}", true, true)]
    public void Parse_StreamOptions_MapsStreamAndIncludeUsage(string fields, bool stream, bool includeUsage)
    {
        var request = OpenAIRequestMapper.Parse(OpenAIFixtures.Utf8($$$"""{"model":"m","messages":[{{{User}}}],{{{fields}}}}"""));

        Assert.Equal(stream, request.Stream);
        Assert.Equal(includeUsage, request.IncludeUsage);
    }

    [Fact]
    public void Parse_AssistantRefusalPart_KeepsTextAndRefusal()
    {
        var request = OpenAIRequestMapper.Parse(OpenAIFixtures.Utf8(
            """{"model":"m","messages":[{"role":"assistant","content":[{"type":"refusal","refusal":"No."}],"refusal":"No."}]}"""));

        var message = Assert.Single(request.Messages);
        Assert.Equal(new ContentPart[] { new TextPart("No.") }, message.Parts);
        Assert.Equal("No.", message.Refusal);
    }

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public void Parse_InvalidField_Throws400NamingTheParam(string body, string param)
    {
        var ex = Assert.Throws<GatewayException>(() => OpenAIRequestMapper.Parse(OpenAIFixtures.Utf8(body)));

        Assert.Equal(400, ex.StatusCode);
        Assert.Equal("invalid_request_error", ex.ErrorType);
        Assert.Equal(param, ex.Param);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("")]
    public void Parse_MalformedJson_Throws400InvalidJson(string body)
    {
        var ex = Assert.Throws<GatewayException>(() => OpenAIRequestMapper.Parse(OpenAIFixtures.Utf8(body)));

        Assert.Equal(400, ex.StatusCode);
        Assert.Equal("invalid_json", ex.Code);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"text\"")]
    public void Parse_NonObjectBody_Throws400(string body)
    {
        var ex = Assert.Throws<GatewayException>(() => OpenAIRequestMapper.Parse(OpenAIFixtures.Utf8(body)));

        Assert.Equal(400, ex.StatusCode);
    }

    [Fact]
    public void Write_CanonicalRequest_MatchesGoldenJson()
    {
        using var parameters = JsonDocument.Parse("""{"type":"object","properties":{}}""");
        var request = new ChatRequest
        {
            Model = "gpt-4o-mini",
            Messages =
            [
                ChatMessage.FromText(ChatRole.System, "You are a helpful assistant."),
                ChatMessage.FromText(ChatRole.User, "Hello!"),
                ChatMessage.FromText(ChatRole.Assistant, "Hi. How can I help?"),
                new ChatMessage(ChatRole.User, [new TextPart("Describe this."), new ImagePart("data:image/png;base64,iVBORw0KGgo=")]),
            ],
            Tools = [new ToolDefinition("lookup", null, parameters.RootElement.Clone())],
            ToolChoice = new ToolChoice(ToolChoiceMode.Required),
            ResponseFormat = new ResponseFormat(ResponseFormatKind.JsonObject),
            Temperature = 0,
            MaxTokens = 100,
            Stop = ["\n\n", "###"],
        };

        var actual = OpenAIFixtures.Write(w => OpenAIRequestMapper.Write(w, request));

        OpenAIFixtures.AssertJsonEqual(OpenAIFixtures.ReadJson("request_canonical.json"), actual);
    }

    [Fact]
    public void ParseThenWrite_FullRequest_MatchesGoldenUpstreamJson()
    {
        var request = OpenAIRequestMapper.Parse(OpenAIFixtures.ReadBytes("request_full.json"));

        var actual = OpenAIFixtures.Write(w => OpenAIRequestMapper.Write(w, request));

        OpenAIFixtures.AssertJsonEqual(OpenAIFixtures.ReadJson("request_full.upstream.json"), actual);
    }

    [Fact]
    public void ParseThenWrite_UnknownFields_PreservedVerbatim()
    {
        var body = $$$"""{"model":"m","messages":[{{{User}}}],"prediction":{"type":"content","content":"x"},"logit_bias":{"50256":-100},"reasoning_effort":"low","web_search_options":null}""";

        var written = OpenAIFixtures.Write(w => OpenAIRequestMapper.Write(w, OpenAIRequestMapper.Parse(OpenAIFixtures.Utf8(body))));

        OpenAIFixtures.AssertJsonEqual(
            JsonNode.Parse("""{"model":"m","messages":[{"role":"user","content":"hi"}],"prediction":{"type":"content","content":"x"},"logit_bias":{"50256":-100},"reasoning_effort":"low","web_search_options":null}"""),
            written);
    }

    [Fact]
    public void Write_AdditionalPropertyNamingAKnownField_IsNotWrittenTwice()
    {
        var request = new ChatRequest
        {
            Model = "m",
            Messages = [ChatMessage.FromText(ChatRole.User, "hi")],
            Temperature = 1,
            AdditionalProperties = new JsonObject { ["temperature"] = 2, ["store"] = true },
        };

        var written = OpenAIFixtures.Write(w => OpenAIRequestMapper.Write(w, request));

        OpenAIFixtures.AssertJsonEqual(
            JsonNode.Parse("""{"model":"m","messages":[{"role":"user","content":"hi"}],"temperature":1,"store":true}"""),
            written);
    }
}
