namespace Tollgate.Core.Metering;

/// <summary>Running totals of one model name.</summary>
public sealed class ModelUsageTotals
{
    private long _requests;
    private long _errors;
    private long _inputTokens;
    private long _cachedInputTokens;
    private long _outputTokens;

    /// <summary>Requests recorded.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Requests that ended with a status of 400 or more.</summary>
    public long Errors => Interlocked.Read(ref _errors);

    /// <summary>Prompt tokens.</summary>
    public long InputTokens => Interlocked.Read(ref _inputTokens);

    /// <summary>Prompt tokens read from a cache.</summary>
    public long CachedInputTokens => Interlocked.Read(ref _cachedInputTokens);

    /// <summary>Generated tokens.</summary>
    public long OutputTokens => Interlocked.Read(ref _outputTokens);

    internal void Add(UsageRecord record)
    {
        if (record.StatusCode >= 400)
        {
            Interlocked.Increment(ref _errors);
        }

        if (record.Usage is { } usage)
        {
            Interlocked.Add(ref _inputTokens, usage.InputTokens);
            Interlocked.Add(ref _cachedInputTokens, usage.CachedInputTokens);
            Interlocked.Add(ref _outputTokens, usage.OutputTokens);
        }

        // Last, so a reader that sees the request count also sees its tokens.
        Interlocked.Increment(ref _requests);
    }
}
