using System.Globalization;
using System.Text;

namespace Tollgate.Core.Limits;

/// <summary>
/// Rate-limit response headers as name/value pairs, in OpenAI's or Anthropic's dialect, for admitted calls (where the
/// tightest scope stands) and for refusals (the binding scope, plus <c>Retry-After</c>). Calls with no rate limits get
/// no headers.
/// </summary>
/// <remarks>
/// OpenAI: <c>x-ratelimit-limit-requests</c>, <c>x-ratelimit-remaining-requests</c>, <c>x-ratelimit-reset-requests</c>
/// and the same three for <c>-tokens</c>; the reset is the time until the limit is back to its initial (full) state,
/// written as a Go duration (<c>20ms</c>, <c>1s</c>, <c>1.5s</c>, <c>6m0s</c>, <c>1h2m3s</c>).
/// Anthropic: <c>anthropic-ratelimit-requests-limit</c>, <c>-remaining</c>, <c>-reset</c> and the same for
/// <c>-tokens-</c>; the reset is an RFC 3339 UTC time. <c>Retry-After</c> is whole seconds, rounded up, at least 1;
/// a refusal that waiting cannot cure (a total budget, a zero limit) has none.
/// </remarks>
public static class RateLimitHeaders
{
    /// <summary>The <c>Retry-After</c> header name.</summary>
    public const string RetryAfter = "retry-after";

    private static readonly KeyValuePair<string, string>[] None = [];

    /// <summary><c>Retry-After</c> seconds: rounded up, at least 1.</summary>
    public static long RetryAfterSeconds(TimeSpan wait)
    {
        var ticks = Math.Max(0, wait.Ticks);
        return Math.Max(1, (ticks + TimeSpan.TicksPerSecond - 1) / TimeSpan.TicksPerSecond);
    }

    /// <summary>The headers for an admitted call in OpenAI's dialect.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> ForOpenAI(AdmissionTicket ticket) =>
        OpenAI(ticket.Requests, ticket.Tokens, ticket.At, null);

    /// <summary>The headers for a refusal in OpenAI's dialect, <c>Retry-After</c> included.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> ForOpenAI(LimitRefusal refusal) =>
        OpenAI(refusal.Requests, refusal.Tokens, refusal.At, refusal.RetryAfterSeconds);

    /// <summary>The headers for an admitted call in Anthropic's dialect.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> ForAnthropic(AdmissionTicket ticket) =>
        Anthropic(ticket.Requests, ticket.Tokens, null);

    /// <summary>The headers for a refusal in Anthropic's dialect, <c>retry-after</c> included.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> ForAnthropic(LimitRefusal refusal) =>
        Anthropic(refusal.Requests, refusal.Tokens, refusal.RetryAfterSeconds);

    /// <summary>A duration in OpenAI's (Go's) format, rounded up to whole milliseconds: <c>0s</c>, <c>20ms</c>, <c>1s</c>, <c>1.5s</c>, <c>6m0s</c>, <c>1h0m0s</c>.</summary>
    public static string FormatDuration(TimeSpan duration)
    {
        var ms = (Math.Max(0, duration.Ticks) + TimeSpan.TicksPerMillisecond - 1) / TimeSpan.TicksPerMillisecond;
        if (ms == 0)
        {
            return "0s";
        }

        if (ms < 1000)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{ms}ms");
        }

        var builder = new StringBuilder(16);
        var hours = ms / 3_600_000;
        var minutes = ms / 60_000 % 60;
        var seconds = ms / 1000 % 60;
        var fraction = ms % 1000;
        if (hours > 0)
        {
            builder.Append(CultureInfo.InvariantCulture, $"{hours}h");
        }

        if (hours > 0 || minutes > 0)
        {
            builder.Append(CultureInfo.InvariantCulture, $"{minutes}m");
        }

        builder.Append(CultureInfo.InvariantCulture, $"{seconds}");
        if (fraction > 0)
        {
            builder.Append('.').Append(fraction.ToString("000", CultureInfo.InvariantCulture).TrimEnd('0'));
        }

        return builder.Append('s').ToString();
    }

    /// <summary>An instant as RFC 3339 UTC, rounded up to the whole second (Anthropic's reset format).</summary>
    public static string FormatRfc3339(DateTimeOffset at)
    {
        var ticks = at.UtcTicks;
        var remainder = ticks % TimeSpan.TicksPerSecond;
        var rounded = remainder == 0 || ticks > DateTimeOffset.MaxValue.UtcTicks - TimeSpan.TicksPerSecond ? ticks - remainder : ticks - remainder + TimeSpan.TicksPerSecond;
        return new DateTime(rounded, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
    }

    private static IReadOnlyList<KeyValuePair<string, string>> OpenAI(RateWindow? requests, RateWindow? tokens, DateTimeOffset at, long? retryAfter)
    {
        if (requests is null && tokens is null && retryAfter is null)
        {
            return None;
        }

        var headers = new List<KeyValuePair<string, string>>(7);
        if (requests is { } r)
        {
            headers.Add(Pair("x-ratelimit-limit-requests", r.Limit));
            headers.Add(Pair("x-ratelimit-remaining-requests", r.Remaining));
            headers.Add(new("x-ratelimit-reset-requests", FormatDuration(r.ResetsAt - at)));
        }

        if (tokens is { } t)
        {
            headers.Add(Pair("x-ratelimit-limit-tokens", t.Limit));
            headers.Add(Pair("x-ratelimit-remaining-tokens", t.Remaining));
            headers.Add(new("x-ratelimit-reset-tokens", FormatDuration(t.ResetsAt - at)));
        }

        if (retryAfter is { } seconds)
        {
            headers.Add(Pair(RetryAfter, seconds));
        }

        return headers;
    }

    private static IReadOnlyList<KeyValuePair<string, string>> Anthropic(RateWindow? requests, RateWindow? tokens, long? retryAfter)
    {
        if (requests is null && tokens is null && retryAfter is null)
        {
            return None;
        }

        var headers = new List<KeyValuePair<string, string>>(7);
        if (requests is { } r)
        {
            headers.Add(Pair("anthropic-ratelimit-requests-limit", r.Limit));
            headers.Add(Pair("anthropic-ratelimit-requests-remaining", r.Remaining));
            headers.Add(new("anthropic-ratelimit-requests-reset", FormatRfc3339(r.ResetsAt)));
        }

        if (tokens is { } t)
        {
            headers.Add(Pair("anthropic-ratelimit-tokens-limit", t.Limit));
            headers.Add(Pair("anthropic-ratelimit-tokens-remaining", t.Remaining));
            headers.Add(new("anthropic-ratelimit-tokens-reset", FormatRfc3339(t.ResetsAt)));
        }

        if (retryAfter is { } seconds)
        {
            headers.Add(Pair(RetryAfter, seconds));
        }

        return headers;
    }

    private static KeyValuePair<string, string> Pair(string name, long value) => new(name, value.ToString(CultureInfo.InvariantCulture));
}
