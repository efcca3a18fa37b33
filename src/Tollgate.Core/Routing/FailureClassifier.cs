using Tollgate.Providers;

namespace Tollgate.Core.Routing;

/// <summary>
/// Sorts an attempt's failure into a <see cref="FailureClass"/>, reading only the provider-neutral
/// <see cref="ProviderException"/> (its kind, status, error code and message): Core never names a provider.
/// </summary>
public static class FailureClassifier
{
    private static readonly string[] ContextWindowCodes = ["context_length_exceeded", "context_window_exceeded", "string_above_max_length"];
    private static readonly string[] ContextWindowPhrases =
    [
        "context length", "context window", "maximum context", "prompt is too long", "input is too long", "too many tokens",
        "exceeds the maximum number of tokens",
    ];

    private static readonly string[] ContentPolicyCodes = ["content_filter", "content_policy_violation", "responsible_ai_policy_violation"];
    private static readonly string[] ContentPolicyPhrases = ["content management policy", "content policy", "safety system", "content filter"];

    /// <summary>The class of <paramref name="exception"/>.</summary>
    public static FailureClass Classify(Exception exception) => exception switch
    {
        ProviderException { Kind: ProviderErrorKind.Unreachable or ProviderErrorKind.Timeout or ProviderErrorKind.InvalidResponse } => FailureClass.Retryable,
        ProviderException { Kind: ProviderErrorKind.Unsupported } => FailureClass.Fatal,
        ProviderException p => ClassifyStatus(p.StatusCode, p.ErrorCode, p.Message),
        HttpRequestException or IOException => FailureClass.Retryable,
        _ => FailureClass.Fatal,
    };

    /// <summary>Whether an upstream status is retryable on its own: 408, 429, 500, 502, 503, 504 and 529.</summary>
    public static bool IsRetryableStatus(int status) => status is 408 or 429 or 500 or 502 or 503 or 504 or 529;

    private static FailureClass ClassifyStatus(int status, string? code, string message)
    {
        if (status == 429)
        {
            return FailureClass.RateLimited;
        }

        if (IsRetryableStatus(status))
        {
            return FailureClass.Retryable;
        }

        if (status is >= 400 and < 500)
        {
            if (Matches(code, message, ContextWindowCodes, ContextWindowPhrases))
            {
                return FailureClass.ContextWindow;
            }

            if (Matches(code, message, ContentPolicyCodes, ContentPolicyPhrases))
            {
                return FailureClass.ContentPolicy;
            }
        }

        return FailureClass.Fatal;
    }

    private static bool Matches(string? code, string message, string[] codes, string[] phrases)
    {
        if (code is not null && Array.IndexOf(codes, code) >= 0)
        {
            return true;
        }

        foreach (var phrase in phrases)
        {
            if (message.Contains(phrase, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
