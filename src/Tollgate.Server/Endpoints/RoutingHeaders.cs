using System.Globalization;
using Tollgate.Core.Configuration;
using Tollgate.Core.Errors;
using Tollgate.Core.Pipeline;

namespace Tollgate.Server.Endpoints;

/// <summary>
/// The routing headers: the client's <c>x-tollgate-timeout</c> (the request's deadline, a duration such as
/// <c>500ms</c> or <c>30s</c>, or plain seconds), and on every answer that called an upstream, errors included,
/// <c>x-tollgate-deployment</c> (<c>provider/model</c> of the deployment that answered, or of the last one tried) and
/// <c>x-tollgate-attempts</c> (how many attempts were started, hedges included).
/// </summary>
internal static class RoutingHeaders
{
    public const string Timeout = "x-tollgate-timeout";
    public const string Deployment = "x-tollgate-deployment";
    public const string Attempts = "x-tollgate-attempts";

    public static void Register(HttpContext http, GatewayContext context) =>
        http.Response.OnStarting(static state => Apply((RoutingHeaderState)state), new RoutingHeaderState(http, context));

    /// <summary>Reads <c>x-tollgate-timeout</c> into the context; 400 when it is not a positive duration.</summary>
    public static void ReadTimeout(HttpRequest request, GatewayContext context)
    {
        var values = request.Headers[Timeout];
        if (values.Count == 0)
        {
            return;
        }

        if (values.Count > 1 || !DurationParser.TryParse(values[0], out var timeout) || timeout <= TimeSpan.Zero)
        {
            throw GatewayException.InvalidRequest($"{Timeout}: expected one positive duration such as 500ms, 30s or 2m.", Timeout);
        }

        context.ClientTimeout = timeout;
    }

    private static Task Apply(RoutingHeaderState state)
    {
        var attempts = state.Context.Attempts;
        if (attempts.Count == 0)
        {
            return Task.CompletedTask;
        }

        var answered = attempts.Find(a => a.Won) ?? attempts[^1];
        var headers = state.Http.Response.Headers;
        headers[Deployment] = answered.Deployment;
        headers[Attempts] = attempts.Count.ToString(CultureInfo.InvariantCulture);
        return Task.CompletedTask;
    }

    private sealed record RoutingHeaderState(HttpContext Http, GatewayContext Context);
}
