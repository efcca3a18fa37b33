namespace Tollgate.Providers.Bedrock;

/// <summary>One decoded event-stream message.</summary>
/// <param name="Headers">The headers by name; values of non-string types in their invariant text form (byte arrays as base64).</param>
/// <param name="Payload">The payload bytes.</param>
internal sealed record AwsEventStreamMessage(IReadOnlyDictionary<string, string> Headers, ReadOnlyMemory<byte> Payload)
{
    /// <summary>The <c>:message-type</c> header: <c>event</c>, <c>exception</c> or <c>error</c>.</summary>
    public string? MessageType => Headers.TryGetValue(":message-type", out var v) ? v : null;

    /// <summary>The <c>:event-type</c> header of an event, such as <c>contentBlockDelta</c>.</summary>
    public string? EventType => Headers.TryGetValue(":event-type", out var v) ? v : null;

    /// <summary>The <c>:exception-type</c> header of an exception, such as <c>throttlingException</c>.</summary>
    public string? ExceptionType => Headers.TryGetValue(":exception-type", out var v) ? v : null;
}
