using Tollgate.Core.Gateway;

namespace Tollgate.Server.Endpoints.Health;

/// <summary><c>GET /healthz</c> (the process is alive) and <c>GET /readyz</c> (a config is loaded). Neither needs a key.</summary>
internal static class HealthEndpointRouteBuilderExtensions
{
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/healthz", () => Results.Text("{\"status\":\"ok\"}", "application/json"));
        routes.MapGet("/readyz", (GatewayState state) => state.IsReady
            ? Results.Text($"{{\"status\":\"ready\",\"config_version\":{state.Current.Version}}}", "application/json")
            : Results.Text("{\"status\":\"not_ready\"}", "application/json", statusCode: 503));
        return routes;
    }
}
