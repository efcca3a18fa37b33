using Tollgate.Chat;
using Tollgate.Providers;

namespace Tollgate.Core.Metering;

/// <summary>What one request used and how it went; one per authenticated request.</summary>
public sealed record UsageRecord
{
    /// <summary>The request id.</summary>
    public required string RequestId { get; init; }

    /// <summary>When the request arrived.</summary>
    public required DateTimeOffset Time { get; init; }

    /// <summary>The caller's key id (never the key).</summary>
    public required string KeyId { get; init; }

    /// <summary>What was asked for.</summary>
    public required ApiOperation Operation { get; init; }

    /// <summary>The model name the client sent.</summary>
    public required string RequestedModel { get; init; }

    /// <summary>The provider that served it, when routing got that far.</summary>
    public string? Provider { get; init; }

    /// <summary>The upstream model name, when routing got that far.</summary>
    public string? DeploymentModel { get; init; }

    /// <summary>Whether it was streamed.</summary>
    public bool Stream { get; init; }

    /// <summary>Tokens used; <see langword="null"/> when unknown (an error before the upstream answered).</summary>
    public ChatUsage? Usage { get; init; }

    /// <summary>The status sent to the client.</summary>
    public int StatusCode { get; init; }

    /// <summary>The error type of a failed request.</summary>
    public string? ErrorType { get; init; }

    /// <summary>From arrival to the last byte.</summary>
    public TimeSpan Latency { get; init; }

    /// <summary>From arrival to the first token (the whole answer, when not streamed).</summary>
    public TimeSpan? TimeToFirstToken { get; init; }
}
