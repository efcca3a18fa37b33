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
        { $$$"""{"model":"m","messages":[{{{User}}}],"reasoning_effort":"extreme"}""", "reasoning_effort" },
        { $$$"""{"model":"m","messages":[{{{User}}}],"reasoning_effort":2}""", "reasoning_effort" },
        { $$$"""{"model":"m","messages":[{{{User}}}],"top_k":0}""", "top_k" },
        { $$$"""{"model":"m","messages":[{{{User}}}],"top_k":"40"}""", "top_k" },
        { """{"model":"m","messages":[{"role":"user","content":[{"type":"file","file":{"file_id":"file-abc123"}}]}]}""", "messages[0].content[0].file.file_id" },
        { """{"model":"m","messages":[{"role":"user","content":[{"type":"file"}]}]}""", "messages[0].content[0].file" },
        { """{"model":"m","messages":[{"role":"user","content":[{"type":"file","file":{"filename":"a.pdf"}}]}]}""", "messages[0].content[0].file.file_data" },
        { """{"model":"m","messages":[{"role":"user","content":[{"type":"file","file":{"file_data":"data:application/pdf,notbase64"}}]}]}""", "messages[0].content[0].file.file_data" },
        { """{"model":"m","messages":[{"role":"system","content":[{"type":"file","file":{"file_data":"data:application/pdf;base64,AA=="}}]}]}""", "messages[0].content[0].type" },
        { """{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"a","cache_control":"ephemeral"}]}]}""", "messages[0].content[0].cache_control" },
        { """{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"a","cache_control":{}}]}]}""", "messages[0].content[0].cache_control.type" },
        { """{"model":"m","messages":[{"role":"assistant","content":"a","thinking_blocks":{}}]}""", "messages[0].thinking_blocks" },
        { """{"model":"m","messages":[{"role":"assistant","content":"a","thinking_blocks":[{"type":"musing"}]}]}""", "messages[0].thinking_blocks[0].type" },
        { """{"model":"m","messages":[{"role":"assistant","content":"a","thinking_blocks":[{"type":"redacted_thinking"}]}]}""", "messages[0].thinking_blocks[0].data" },
        { """{"model":"m","messages":[{"role":"assistant","content":"a","reasoning_content":5}]}""", "messages[0].reasoning_content" },
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
    public void Parse_Extensions_MapToCanonicalReasoningDocumentsCacheMarkersAndSignatures()
    {
        var request = OpenAIRequestMapper.Parse(OpenAIFixtures.ReadBytes("request_extensions.json"));

        Assert.Equal(new ReasoningOptions { Effort = "high" }, request.Reasoning);
        Assert.Equal(40, request.TopK);
        Assert.Null(request.AdditionalProperties);
        Assert.Equal(CacheControl.Ephemeral, Assert.Single(request.Tools!).CacheControl);

        Assert.Equal(new ContentPart[] { new TextPart("Long instructions.") { CacheControl = CacheControl.Ephemeral } }, request.Messages[0].Parts);
        Assert.Equal(
            new ContentPart[]
            {
                new TextPart("Summarise this report.") { CacheControl = new CacheControl("ephemeral", "1h") },
                new DocumentPart { MediaType = "application/pdf", Data = "JVBERi0xLjQK", FileName = "report.pdf", CacheControl = CacheControl.Ephemeral },
                new ImagePart("https://example.com/chart.png"),
            },
            request.Messages[1].Parts);

        // thinking_blocks win over reasoning_content and come before the text; signed blocks are Claude's.
        var assistant = request.Messages[2];
        Assert.Equal(
            new ContentPart[]
            {
                new ThinkingPart("The user wants a summary.", "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds...") { SignatureFamily = SignatureFamilies.Anthropic },
                new RedactedThinkingPart("EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP") { SignatureFamily = SignatureFamilies.Anthropic },
                new TextPart("Let me look that up."),
            },
            assistant.Parts);
        Assert.Equal(new ToolCall("toolu_01A09q90qw90lq917835lq9", "lookup", """{"q":"Q3"}"""), assistant.ToolCalls![0]);
        Assert.Equal(
            new ToolCall("call_9", "lookup", "{}") { Signature = "CiIBVKhc7oDXpNbKeVqQ4fNoV1pv+Ar/9w==", SignatureFamily = SignatureFamilies.Gemini },
            assistant.ToolCalls[1]);

        Assert.Equal("toolu_01A09q90qw90lq917835lq9", request.Messages[3].ToolCallId);
        Assert.Null(request.Messages[3].CacheControl);
        Assert.Equal("call_9", request.Messages[4].ToolCallId);
        Assert.Equal(CacheControl.Ephemeral, request.Messages[4].CacheControl);
        Assert.Equal(new ContentPart[] { new ThinkingPart("Unsigned reasoning from an OpenAI-compatible host."), new TextPart("Earlier answer.") }, request.Messages[5].Parts);
    }

    [Theory]
    [InlineData("none", false)]
    [InlineData("minimal", true)]
    [InlineData("low", true)]
    [InlineData("medium", true)]
    public void Parse_ReasoningEffort_MapsEnabledAndEffort(string effort, bool enabled)
    {
        var request = OpenAIRequestMapper.Parse(OpenAIFixtures.Utf8($$$"""{"model":"m","messages":[{{{User}}}],"reasoning_effort":"{{{effort}}}"}"""));

        Assert.Equal(new ReasoningOptions { Enabled = enabled, Effort = effort }, request.Reasoning);
    }

    [Theory]
    [InlineData("report.pdf", "application/pdf")]
    [InlineData("notes.txt", "text/plain")]
    [InlineData("blob.bin", null)]
    public void Parse_FileWithBareBase64_MediaTypeFromFileName(string fileName, string? mediaType)
    {
        var request = OpenAIRequestMapper.Parse(OpenAIFixtures.Utf8($$$"""{"model":"m","messages":[{"role":"user","content":[{"type":"file","file":{"file_data":"AAAA","filename":"{{{fileName}}}"}}]}]}"""));

        Assert.Equal(new DocumentPart { MediaType = mediaType, Data = "AAAA", FileName = fileName }, Assert.Single(request.Messages[0].Parts));
    }

    [Fact]
    public void Parse_FileId_RefusedNamingTheField()
    {
        var ex = Assert.Throws<GatewayException>(() => OpenAIRequestMapper.Parse(OpenAIFixtures.Utf8(
            """{"model":"m","messages":[{"role":"user","content":[{"type":"file","file":{"file_id":"file-abc123"}}]}]}""")));

        Assert.Equal("unsupported_feature", ex.Code);
        Assert.Contains("file_id", ex.Message, StringComparison.Ordinal);
        Assert.Contains("file_data", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_ReasoningAndDocuments_MatchesGoldenUpstreamJson()
    {
        var request = new ChatRequest
        {
            Model = "gpt-5-mini",
            Reasoning = new ReasoningOptions { BudgetTokens = 10000 },
            Messages =
            [
                new ChatMessage(ChatRole.User,
                [
                    new TextPart("Read these."),
                    new DocumentPart { MediaType = "application/pdf", Data = "JVBERi0xLjQK", FileName = "report.pdf", Title = "Q3 report", Context = "Revenue figures" },
                    new DocumentPart { Text = "The grass is green.", Title = "Facts" },
                    new DocumentPart { MediaType = "text/plain", Data = "UGxhaW4gbm90ZXMu" },
                ]),
                new ChatMessage(ChatRole.Assistant, [new ThinkingPart("unsigned reasoning"), new TextPart("Done.")]),
                new ChatMessage(ChatRole.Assistant, [new ThinkingPart("more"), new RedactedThinkingPart("x")]) { ToolCalls = [new ToolCall("call_1", "lookup", "{}")] },
                new ChatMessage(ChatRole.Tool, [new TextPart("ok")]) { ToolCallId = "call_1" },
            ],
        };

        var actual = OpenAIFixtures.Write(w => OpenAIRequestMapper.Write(w, request, new ProviderCapabilities { TopK = false }, "up"));

        OpenAIFixtures.AssertJsonEqual(OpenAIFixtures.ReadJson("request_reasoning_documents.upstream.json"), actual);
        Assert.Equal(3, OpenAIRequestMapper.CountReasoningParts(request));
    }

    [Theory]
    [InlineData(true, null, "medium", "medium")]
    [InlineData(true, 1024, null, "minimal")]
    [InlineData(true, 30000, null, "high")]
    [InlineData(false, null, "none", "none")]
    [InlineData(false, null, null, null)]
    public void Write_Reasoning_WritesEffort(bool enabled, int? budget, string? effort, string? expected)
    {
        var request = new ChatRequest { Model = "m", Messages = [ChatMessage.FromText(ChatRole.User, "hi")], Reasoning = new ReasoningOptions { Enabled = enabled, BudgetTokens = budget, Effort = effort } };

        var written = OpenAIFixtures.Write(w => OpenAIRequestMapper.Write(w, request));

        Assert.Equal(expected, (string?)written["reasoning_effort"]);
    }

    [Fact]
    public void Write_TopK_OnlyWhenCapabilitiesAllow()
    {
        var request = new ChatRequest { Model = "m", Messages = [ChatMessage.FromText(ChatRole.User, "hi")], TopK = 20 };

        var ex = Assert.Throws<ProviderException>(() => OpenAIFixtures.Write(w => OpenAIRequestMapper.Write(w, request, new ProviderCapabilities { TopK = false }, "up")));
        var allowed = OpenAIFixtures.Write(w => OpenAIRequestMapper.Write(w, request, new ProviderCapabilities { TopK = true }, "preset"));

        Assert.Equal(400, ex.StatusCode);
        Assert.Contains("top_k", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'up'", ex.Message, StringComparison.Ordinal);
        Assert.Equal(20, (int)allowed["top_k"]!);
    }

    [Fact]
    public void Write_DocumentByUrl_Refused400()
    {
        var request = new ChatRequest { Model = "m", Messages = [new ChatMessage(ChatRole.User, [new DocumentPart { Url = "https://example.com/a.pdf" }])] };

        var ex = Assert.Throws<ProviderException>(() => OpenAIFixtures.Write(w => OpenAIRequestMapper.Write(w, request)));

        Assert.Equal(400, ex.StatusCode);
        Assert.Contains("URL", ex.Message, StringComparison.Ordinal);
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
        Assert.Null(request.Reasoning);
        Assert.Null(request.TopK);
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
