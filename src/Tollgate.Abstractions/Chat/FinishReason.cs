namespace Tollgate.Chat;

/// <summary>Why the model stopped, in OpenAI's vocabulary.</summary>
public enum FinishReason
{
    /// <summary>A natural end or a stop sequence.</summary>
    Stop,

    /// <summary>The token limit was reached.</summary>
    Length,

    /// <summary>The model called tools.</summary>
    ToolCalls,

    /// <summary>A content filter ended the answer.</summary>
    ContentFilter,
}
