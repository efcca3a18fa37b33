using System.Buffers;
using System.Text.Json;

namespace Tollgate.Testing.OpenAI;

/// <summary>Writes the fake's answers field by field, in the order OpenAI sends them.</summary>
internal static class FakeOpenAIJson
{
    public const string SystemFingerprint = "fp_fake0001";

    public static byte[] Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] Error(FakeOpenAIError error) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteStartObject("error");
        w.WriteString("message", error.Message);
        w.WriteString("type", error.Type);
        WriteNullableString(w, "param", error.Param);
        WriteNullableString(w, "code", error.Code);
        w.WriteEndObject();
        w.WriteEndObject();
    });

    public static byte[] Completion(FakeOpenAIChatPlan plan, string id, long created, int cachedTokens) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("id", id);
        w.WriteString("object", "chat.completion");
        w.WriteNumber("created", created);
        w.WriteString("model", plan.Model);
        w.WriteStartArray("choices");
        for (var i = 0; i < plan.N; i++)
        {
            w.WriteStartObject();
            w.WriteNumber("index", i);
            w.WriteStartObject("message");
            w.WriteString("role", "assistant");
            if (plan.ToolName is null)
            {
                w.WriteString("content", plan.Content);
            }
            else
            {
                w.WriteNull("content");
                w.WriteStartArray("tool_calls");
                w.WriteStartObject();
                w.WriteString("id", plan.ToolCallId);
                w.WriteString("type", "function");
                w.WriteStartObject("function");
                w.WriteString("name", plan.ToolName);
                w.WriteString("arguments", plan.ToolArguments);
                w.WriteEndObject();
                w.WriteEndObject();
                w.WriteEndArray();
            }

            w.WriteNull("refusal");
            w.WriteStartArray("annotations");
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteNull("logprobs");
            w.WriteString("finish_reason", plan.FinishReason);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WritePropertyName("usage");
        WriteUsage(w, plan, cachedTokens);
        w.WriteString("service_tier", "default");
        w.WriteString("system_fingerprint", SystemFingerprint);
        w.WriteEndObject();
    });

    /// <summary>One <c>chat.completion.chunk</c>; <paramref name="writeDelta"/> null writes the usage chunk (<c>"choices":[]</c>).</summary>
    public static byte[] Chunk(
        FakeOpenAIChatPlan plan, string id, long created, int choice, Action<Utf8JsonWriter>? writeDelta, string? finishReason, int cachedTokens) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("id", id);
        w.WriteString("object", "chat.completion.chunk");
        w.WriteNumber("created", created);
        w.WriteString("model", plan.Model);
        w.WriteString("service_tier", "default");
        w.WriteString("system_fingerprint", SystemFingerprint);
        w.WriteStartArray("choices");
        if (writeDelta is not null)
        {
            w.WriteStartObject();
            w.WriteNumber("index", choice);
            w.WriteStartObject("delta");
            writeDelta(w);
            w.WriteEndObject();
            w.WriteNull("logprobs");
            WriteNullableString(w, "finish_reason", finishReason);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        if (plan.IncludeUsage)
        {
            w.WritePropertyName("usage");
            if (writeDelta is null)
            {
                WriteUsage(w, plan, cachedTokens);
            }
            else
            {
                w.WriteNullValue();
            }
        }

        w.WriteEndObject();
    });

    public static void WriteUsage(Utf8JsonWriter w, FakeOpenAIChatPlan plan, int cachedTokens)
    {
        w.WriteStartObject();
        w.WriteNumber("prompt_tokens", plan.PromptTokens);
        w.WriteNumber("completion_tokens", plan.CompletionTokens);
        w.WriteNumber("total_tokens", plan.PromptTokens + plan.CompletionTokens);
        w.WriteStartObject("prompt_tokens_details");
        w.WriteNumber("cached_tokens", cachedTokens);
        w.WriteNumber("audio_tokens", 0);
        w.WriteEndObject();
        w.WriteStartObject("completion_tokens_details");
        w.WriteNumber("reasoning_tokens", 0);
        w.WriteNumber("audio_tokens", 0);
        w.WriteNumber("accepted_prediction_tokens", 0);
        w.WriteNumber("rejected_prediction_tokens", 0);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    public static byte[] Models(long created) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("object", "list");
        w.WriteStartArray("data");
        foreach (var model in (string[])["gpt-4o", "gpt-4o-mini", "gpt-4.1", "text-embedding-3-small", "text-embedding-3-large"])
        {
            w.WriteStartObject();
            w.WriteString("id", model);
            w.WriteString("object", "model");
            w.WriteNumber("created", created);
            w.WriteString("owned_by", "system");
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    });

    private static void WriteNullableString(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }
}
