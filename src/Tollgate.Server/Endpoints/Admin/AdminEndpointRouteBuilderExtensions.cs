namespace Tollgate.Server.Endpoints.Admin;

/// <summary>Maps the admin API under <c>/admin/</c> (docs/admin-api.md).</summary>
internal static class AdminEndpointRouteBuilderExtensions
{
    public static IEndpointRouteBuilder MapAdminEndpoints(this IEndpointRouteBuilder routes)
    {
        var admin = routes.MapGroup("/admin");
        routes.ServiceProvider.GetRequiredService<KeyAdminEndpoints>().Map(admin);
        routes.ServiceProvider.GetRequiredService<TeamAdminEndpoints>().Map(admin);
        routes.ServiceProvider.GetRequiredService<UserAdminEndpoints>().Map(admin);
        routes.ServiceProvider.GetRequiredService<AuditAdminEndpoints>().Map(admin);
        routes.ServiceProvider.GetRequiredService<SpendAdminEndpoints>().Map(admin);
        routes.ServiceProvider.GetRequiredService<DeploymentAdminEndpoints>().Map(admin);
        return routes;
    }
}
