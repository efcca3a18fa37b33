using System.Globalization;
using Tollgate.Core.Limits;
using Tollgate.Core.Metering;
using Tollgate.Core.Pipeline;
using Tollgate.Providers;

namespace Tollgate.Server.Endpoints;

/// <summary>
/// Adds Tollgate's usage and cost headers, and the caller's rate-limit state, to a successful answer just before its
/// headers go out. A non-streamed answer knows its usage by then: <c>x-tollgate-cost</c> (US dollars, exact to the
/// nano-dollar; left out for an unpriced model) and <c>x-tollgate-input-tokens</c>, <c>-cached-input-tokens</c>,
/// <c>-output-tokens</c>. A stream's headers leave before its usage exists, so streams carry only the rate-limit state;
/// their usage and cost are in the stream's usage event and in the ledger.
/// </summary>
internal static class UsageHeaders
{
    public const string Cost = "x-tollgate-cost";
    public const string InputTokens = "x-tollgate-input-tokens";
    public const string CachedInputTokens = "x-tollgate-cached-input-tokens";
    public const string OutputTokens = "x-tollgate-output-tokens";

    public static void Register(HttpContext http, GatewayContext context, TimeProvider time) =>
        http.Response.OnStarting(static state => Apply((UsageHeaderState)state), new UsageHeaderState(http, context, time));

    private static Task Apply(UsageHeaderState state)
    {
        var (http, context, time) = (state.Http, state.Context, state.Time);
        var response = http.Response;
        if (response.StatusCode >= 400)
        {
            return Task.CompletedTask;
        }

        if (context.Admission is { } ticket)
        {
            var headers = context.Surface == WireFormat.Anthropic ? RateLimitHeaders.ForAnthropic(ticket) : RateLimitHeaders.ForOpenAI(ticket);
            foreach (var (name, value) in headers)
            {
                response.Headers[name] = value;
            }
        }

        if (context.Usage is { } usage)
        {
            response.Headers[InputTokens] = usage.InputTokens.ToString(CultureInfo.InvariantCulture);
            response.Headers[CachedInputTokens] = usage.CachedInputTokens.ToString(CultureInfo.InvariantCulture);
            response.Headers[OutputTokens] = usage.OutputTokens.ToString(CultureInfo.InvariantCulture);
            if (RequestPricing.Cost(context, time).TotalNanoDollars is { } nano)
            {
                response.Headers[Cost] = FormatUsd(nano);
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>Nano-dollars as US dollars with nine decimals: 1234 is <c>0.000001234</c>.</summary>
    public static string FormatUsd(long nanoDollars) =>
        (nanoDollars / 1_000_000_000m).ToString("0.000000000", CultureInfo.InvariantCulture);

    private sealed record UsageHeaderState(HttpContext Http, GatewayContext Context, TimeProvider Time);
}
