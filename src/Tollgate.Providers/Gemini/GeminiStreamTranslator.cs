using System.Text.Json;
using Tollgate.Chat;

namespace Tollgate.Providers.Gemini;

/// <summary>
/// Turns <c>:streamGenerateContent?alt=sse</c> chunks into <see cref="ChatStreamUpdate"/>s. Each SSE <c>data:</c> is a
/// whole GenerateContentResponse holding the next parts of each candidate; function calls arrive whole (one update each);
/// <c>usageMetadata</c> is cumulative, so the last one seen is the stream's usage. Stateful, not thread-safe: one per stream.
/// </summary>
internal sealed class GeminiStreamTranslator
{
    private readonly string _requestModel;
    private readonly string? _secret;
    private readonly Dictionary<int, CandidateState> _candidates = [];
    private string? _id;
    private string? _model;
    private GeminiUsageMetadata? _usage;

    public GeminiStreamTranslator(string requestModel, string? secret)
    {
        _requestModel = requestModel;
        _secret = secret;
    }

    /// <summary>Whether some candidate has finished (a finishReason arrived): a stream without one was cut short.</summary>
    public bool SawFinish { get; private set; }

    /// <summary>Translates one chunk's JSON, appending any updates to <paramref name="updates"/>.</summary>
    /// <exception cref="ProviderException">An error in place of a chunk, a blocked prompt, or data that is not a chunk.</exception>
    public void Translate(ReadOnlySpan<byte> data, List<ChatStreamUpdate> updates)
    {
        GeminiGenerateContentResponse? chunk;
        try
        {
            chunk = JsonSerializer.Deserialize(data, GeminiJsonContext.Default.GeminiGenerateContentResponse);
        }
        catch (JsonException ex)
        {
            throw GeminiChatProvider.InvalidResponse("The Google upstream sent a stream chunk that is not valid JSON.", ex);
        }

        if (chunk is null)
        {
            return;
        }

        if (chunk.Error is { } error)
        {
            throw GeminiMapper.MapError(error.Code is >= 400 and <= 599 ? error.Code.Value : 500, error, null, _secret);
        }

        if (chunk.Candidates is not { Count: > 0 } && chunk.PromptFeedback?.BlockReason is { } blocked)
        {
            throw GeminiMapper.PromptBlocked(blocked, chunk.PromptFeedback.BlockReasonMessage);
        }

        _id ??= chunk.ResponseId;
        _model = chunk.ModelVersion ?? _model;
        _usage = chunk.UsageMetadata ?? _usage;
        var candidates = chunk.Candidates ?? [];
        for (var c = 0; c < candidates.Count; c++)
        {
            var candidate = candidates[c];
            var index = candidate.Index ?? c;
            if (!_candidates.TryGetValue(index, out var state))
            {
                state = new CandidateState();
                _candidates[index] = state;
                updates.Add(new ChatStreamUpdate { Id = _id, Model = Model, ChoiceIndex = index, Role = ChatRole.Assistant });
            }

            foreach (var part in candidate.Content?.Parts ?? [])
            {
                AddPart(index, state, part, updates);
            }

            if (GeminiMapper.MapFinishReason(candidate.FinishReason) is { } finish)
            {
                SawFinish = true;
                updates.Add(new ChatStreamUpdate { Id = _id, Model = Model, ChoiceIndex = index, FinishReason = finish == FinishReason.Stop && state.ToolCalls > 0 ? FinishReason.ToolCalls : finish });
            }
        }
    }

    /// <summary>The closing usage update, when the upstream reported usage.</summary>
    public ChatStreamUpdate? Complete() =>
        _usage is null ? null : new ChatStreamUpdate { Id = _id, Model = Model, Usage = GeminiMapper.MapUsage(_usage) };

    private void AddPart(int index, CandidateState state, GeminiPart part, List<ChatStreamUpdate> updates)
    {
        if (part.FunctionCall is { } call)
        {
            var toolIndex = state.ToolCalls++;
            var id = call.Id ?? GeminiMapper.ToolCallId(_id, index, toolIndex);
            updates.Add(new ChatStreamUpdate
            {
                Id = _id,
                Model = Model,
                ChoiceIndex = index,
                ToolCalls =
                [
                    new ToolCallUpdate(toolIndex, id, call.Name ?? string.Empty, GeminiMapper.CompactJson(call.Args))
                    {
                        Signature = part.ThoughtSignature,
                        SignatureFamily = part.ThoughtSignature is null ? null : SignatureFamilies.Gemini,
                    },
                ],
            });
            return;
        }

        if (part.Thought == true)
        {
            if (!string.IsNullOrEmpty(part.Text))
            {
                updates.Add(new ChatStreamUpdate { Id = _id, Model = Model, ChoiceIndex = index, ThinkingDelta = part.Text });
            }

            if (part.ThoughtSignature is { } thoughtSignature)
            {
                updates.Add(new ChatStreamUpdate { Id = _id, Model = Model, ChoiceIndex = index, ThinkingSignature = thoughtSignature, SignatureFamily = SignatureFamilies.Gemini });
            }

            return;
        }

        // A signature on a text part comes first, as an empty reasoning block, like GeminiMapper.AddContentParts.
        if (part.ThoughtSignature is { } signature)
        {
            updates.Add(new ChatStreamUpdate { Id = _id, Model = Model, ChoiceIndex = index, ThinkingSignature = signature, SignatureFamily = SignatureFamilies.Gemini });
        }

        if (!string.IsNullOrEmpty(part.Text))
        {
            updates.Add(new ChatStreamUpdate { Id = _id, Model = Model, ChoiceIndex = index, TextDelta = part.Text });
        }
    }

    private string Model => _model ?? _requestModel;

    private sealed class CandidateState
    {
        public int ToolCalls { get; set; }
    }
}
